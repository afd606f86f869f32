import Foundation
import GarrisonConfig
import Testing

/// The typed reads over swift-configuration: a value of the wrong kind stops the daemon naming the key, its origin
/// and what was expected (where the library alone would fall back to the default in silence); YAML's kinds and
/// the environment's text read alike.
struct ConfigSourceTests {
    static func file(_ yaml: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString).yaml")
        try Data(yaml.utf8).write(to: url)
        return url.path
    }

    @Test func aValueOfTheWrongKindNamesItsKeyAndOriginNotTheDefault() throws {
        let path = try Self.file("limits:\n  max_batch: lots\n  max_wait_seconds: soon\nsync:\n  enabled: maybe\n")
        let source = try ConfigSource(file: path, environment: [:]).scoped(to: "limits")
        #expect(throws: ConfigError(key: "limits.max_batch", origin: .file(path), problem: "expected a whole number")) {
            try source.int("max_batch", default: 5_000)
        }
        #expect(throws: ConfigError.self) { try source.seconds("max_wait_seconds", default: 30) }
        let root = try ConfigSource(file: path, environment: ["GARRISON_LIMITS_MAX_BATCH": "12"])
        #expect(try root.int("limits.max_batch", default: 1) == 12, "the environment wins over the file")
        #expect(throws: ConfigError(key: "sync.enabled", origin: .file(path), problem: "expected true or false")) {
            try root.bool("sync.enabled", default: true)
        }
    }

    @Test func quotedNumbersListsAndBooleansReadAsTheyAreMeant() throws {
        let path = try Self.file("""
            database:
              port: "5433"
            intake:
              trusted_proxies: [10.0.0.0/8, "::1"]
            sync:
              enabled: no
            limits:
              max_wait_seconds: 2.5
            """)
        let source = try ConfigSource(file: path, environment: [:])
        #expect(try source.int("database.port", default: 5432, in: 1...65_535) == 5433)
        #expect(source.list("intake.trusted_proxies") == ["10.0.0.0/8", "::1"])
        #expect(try source.bool("sync.enabled", default: true) == false)
        #expect(try source.seconds("limits.max_wait_seconds", default: 30) == .milliseconds(2500))
        let environment = try ConfigSource(file: path, environment: [
            "GARRISON_INTAKE_TRUSTED_PROXIES": "192.0.2.1, 198.51.100.0/24", "GARRISON_SYNC_ENABLED": "on",
        ])
        #expect(environment.list("intake.trusted_proxies") == ["192.0.2.1", "198.51.100.0/24"])
        #expect(try environment.bool("sync.enabled", default: false))
        #expect(throws: ConfigError.self) { try source.int("database.port", default: 1, in: 1...1000) }
    }

    @Test func aMissingRequiredKeyNamesItsVariable() throws {
        let source = ConfigSource(values: [:])
        #expect {
            _ = try source.scoped(to: "tls").path("certificate")
        } throws: { error in
            "\(error)".contains("tls.certificate") && "\(error)".contains("GARRISON_TLS_CERTIFICATE")
        }
        #expect(throws: ConfigError.self) { try ConfigSource(file: "/nonexistent/garrison.yaml", environment: [:]) }
        #expect(throws: ConfigError.self) { try ConfigSource(file: try Self.file("- a list\n- at the top\n"), environment: [:]) }
    }
}
