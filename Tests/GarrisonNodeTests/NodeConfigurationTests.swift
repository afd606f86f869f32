import Foundation
import GarrisonConfig
import GarrisonHTTP
import GarrisonNode
import Testing

/// `Config/node.yaml` is the documented example: it must load, and inconsistent values must name their key.
struct NodeConfigurationTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Config/node.yaml").standardized.path

    @Test func theExampleConfigurationLoads() throws {
        let configuration = try NodeConfiguration(config: ConfigSource(file: Self.example, environment: [:]))
        #expect(configuration.garrison == "20")
        #expect(configuration.storePath == "/var/lib/garrison/node.sqlite")
        #expect(configuration.api.address.port == 8080 && configuration.api.tls == nil)
        #expect(configuration.sync.pushBatchLimit == 1_000 && configuration.sync.pullWaitSeconds == 20)
        #expect(configuration.sync.backoff.ceilingMillis == 60_000)
        #expect(configuration.syncEnabled)
        #expect(configuration.api.limits == .unitsAPI && configuration.shutdownGrace == .seconds(10))
        #expect(configuration.hub.address == nil && configuration.hub.verifyHostname)
    }

    @Test func theAPIBoundsAndTheHubAddressAreRead() throws {
        let configuration = try NodeConfiguration(config: ConfigSource(file: Self.example, environment: [
            "GARRISON_API_MAX_CONNECTIONS": "32", "GARRISON_API_IDLE_TIMEOUT_SECONDS": "4", "GARRISON_HUB_ADDRESS": "10.20.0.5",
        ]))
        #expect(configuration.api.limits.maxConnections == 32 && configuration.api.limits.idleTimeout == .seconds(4))
        #expect(configuration.api.limits.headerTimeout == ListenerLimits.unitsAPI.headerTimeout)
        #expect(configuration.hub.address == "10.20.0.5")
        #expect {
            _ = try NodeConfiguration(config: ConfigSource(file: Self.example, environment: ["GARRISON_API_HEADER_TIMEOUT_SECONDS": "never"]))
        } throws: { error in
            "\(error)".contains("api.header_timeout_seconds") && !"\(error)".contains("never")
        }
    }

    @Test func theNationalExampleLoadsAndFollowsEveryGarrison() throws {
        let path = URL(fileURLWithPath: Self.example).deletingLastPathComponent().appendingPathComponent("national.yaml").path
        let configuration = try NodeConfiguration(config: ConfigSource(file: path, environment: [:]))
        #expect(configuration.role == .national && configuration.garrison == nil)
        #expect(configuration.feeds.count == 17)
        let some = try NodeConfiguration(config: ConfigSource(file: path, environment: ["GARRISON_NATIONAL_GARRISONS": "KSP, 20"]))
        #expect(some.feeds == ["KSP", "20"])
        #expect(throws: ConfigError.self) {
            try NodeConfiguration(config: ConfigSource(file: path, environment: ["GARRISON_NATIONAL_GARRISONS": "KSP,99"]))
        }
        #expect(throws: ConfigError.self) {
            try NodeConfiguration(config: ConfigSource(file: path, environment: ["GARRISON_NODE_ROLE": "regional"]))
        }
    }

    @Test func inconsistentValuesNameTheirKey() throws {
        func problem(_ environment: [String: String]) throws -> String {
            do {
                _ = try NodeConfiguration(config: ConfigSource(file: Self.example, environment: environment))
                return "loaded"
            } catch {
                return "\(error)"
            }
        }
        #expect(try problem(["GARRISON_HUB_REQUEST_TIMEOUT_SECONDS": "10"]).contains("hub.request_timeout_seconds"))
        #expect(try problem(["GARRISON_API_TLS_KEY": "/k.pem"]).contains("api.tls.certificate"))
        #expect(try problem(["GARRISON_SYNC_BACKOFF_CEILING_MS": "100"]).contains("sync.backoff_ceiling_ms"))
        #expect(try problem(["GARRISON_NODE_GARRISON": "99"]).contains("node.garrison"))
    }
}
