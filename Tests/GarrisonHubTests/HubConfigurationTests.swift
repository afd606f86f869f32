import Foundation
import GarrisonConfig
import GarrisonHub
import Testing

/// `Config/hub.yaml` is the documented example: it must load, and every error must name its key.
struct HubConfigurationTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Config/hub.yaml").standardized.path

    @Test func theExampleConfigurationLoads() throws {
        let configuration = try HubConfiguration(config: ConfigSource(file: Self.example, environment: [:]))
        #expect(configuration.listen.port == 8443)
        #expect(configuration.database.user == "garrison_app")
        #expect(configuration.database.host == "/var/run/postgresql")
        #expect(configuration.migration.database.user == "garrison_owner")
        #expect(configuration.limits.maxBatch == 5_000)
        #expect(configuration.tls.ca == "/etc/garrison/pki/ca.pem")
    }

    @Test func theEnvironmentOverridesAnyKey() throws {
        let reader = try ConfigSource(file: Self.example, environment: ["GARRISON_DATABASE_PASSWORD": "s3cret", "GARRISON_LIMITS_MAX_BATCH": "100"])
        let configuration = try HubConfiguration(config: reader)
        #expect(configuration.database.password == "s3cret")
        #expect(configuration.limits.maxBatch == 100)
    }

    @Test func aBadValueIsReportedWithItsKeyAndSourceNeverItsValue() throws {
        let reader = try ConfigSource(file: Self.example, environment: ["GARRISON_LIMITS_MAX_BATCH": "lots"])
        #expect {
            _ = try HubConfiguration(config: reader)
        } throws: { error in
            let text = "\(error)"
            return text.contains("limits.max_batch") && text.contains("GARRISON_LIMITS_MAX_BATCH") && !text.contains("lots")
        }
        #expect {
            _ = try HubConfiguration(config: ConfigSource(values: ["tls.key": "k", "tls.ca": "c"]))
        } throws: { error in
            "\(error)".contains("tls.certificate") && "\(error)".contains("GARRISON_TLS_CERTIFICATE")
        }
    }
}
