import Foundation
import GarrisonConfig
import GarrisonHTTP
import GarrisonHub
import Testing

/// The listeners' bounds in `Config/hub.yaml`: the documented defaults load, the intake's are its own, and a bad
/// value names its key.
struct HubListenerConfigurationTests {
    @Test func theListenerBoundsLoadWithTheirDefaults() throws {
        let configuration = try HubConfiguration(config: ConfigSource(file: HubConfigurationTests.example, environment: [:]))
        #expect(configuration.limits.listeners == .standard)
        #expect(configuration.intake.limits == .publicListener)
        #expect(configuration.limits.shutdownGrace == .seconds(10))
        let bare = try HubConfiguration(config: ConfigSource(values: ["tls.certificate": "c", "tls.key": "k", "tls.ca": "a"]))
        #expect(bare.limits.listeners == .standard && bare.intake.limits == .publicListener)
        #expect(ListenerLimits.publicListener.maxConnections < ListenerLimits.standard.maxConnections)
        #expect(ListenerLimits.publicListener.headerTimeout < ListenerLimits.standard.headerTimeout)
    }

    @Test func theIntakeOverridesAreItsOwn() throws {
        let configuration = try HubConfiguration(config: ConfigSource(file: HubConfigurationTests.example, environment: [
            "GARRISON_INTAKE_MAX_CONNECTIONS": "64", "GARRISON_INTAKE_HEADER_TIMEOUT_SECONDS": "2.5",
            "GARRISON_LIMITS_IDLE_TIMEOUT_SECONDS": "15",
        ]))
        #expect(configuration.intake.limits.maxConnections == 64 && configuration.intake.limits.headerTimeout == .milliseconds(2500))
        #expect(configuration.limits.listeners.maxConnections == 512 && configuration.limits.listeners.idleTimeout == .seconds(15))
        #expect(configuration.intake.limits.idleTimeout == .seconds(5))
    }

    @Test func aBadBoundNamesItsKey() throws {
        for (variable, key) in [
            ("GARRISON_INTAKE_MAX_CONNECTIONS", "intake.max_connections"), ("GARRISON_LIMITS_BODY_TIMEOUT_SECONDS", "limits.body_timeout_seconds"),
            ("GARRISON_LIMITS_SHUTDOWN_GRACE_SECONDS", "limits.shutdown_grace_seconds"),
        ] {
            #expect {
                _ = try HubConfiguration(config: ConfigSource(file: HubConfigurationTests.example, environment: [variable: "0"]))
            } throws: { error in
                "\(error)".contains(key) && "\(error)".contains(variable)
            }
        }
    }
}
