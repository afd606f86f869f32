import Foundation
import GarrisonConfig
import GarrisonHTTP
import GarrisonHub
import Testing

/// The listeners' bounds in `Config/hub.yaml`: the documented defaults load, the intake's are its own, and a bad
/// value names its key.
struct HubListenerConfigurationTests {
    @Test func theListenerBoundsLoadWithTheirDefaults() throws {
        let configuration = try HubConfiguration(reader: ConfigReader(path: HubConfigurationTests.example, environment: [:]))
        #expect(configuration.listenerLimits == .standard)
        #expect(configuration.intakeLimits == .publicListener)
        #expect(configuration.shutdownGrace == .seconds(10))
        let bare = try HubConfiguration(reader: ConfigReader(values: ["tls.certificate": "c", "tls.key": "k", "tls.ca": "a"]))
        #expect(bare.listenerLimits == .standard && bare.intakeLimits == .publicListener)
        #expect(ListenerLimits.publicListener.maxConnections < ListenerLimits.standard.maxConnections)
        #expect(ListenerLimits.publicListener.headerTimeout < ListenerLimits.standard.headerTimeout)
    }

    @Test func theIntakeOverridesAreItsOwn() throws {
        let configuration = try HubConfiguration(reader: ConfigReader(path: HubConfigurationTests.example, environment: [
            "GARRISON_INTAKE_MAX_CONNECTIONS": "64", "GARRISON_INTAKE_HEADER_TIMEOUT_SECONDS": "2.5",
            "GARRISON_LIMITS_IDLE_TIMEOUT_SECONDS": "15",
        ]))
        #expect(configuration.intakeLimits.maxConnections == 64 && configuration.intakeLimits.headerTimeout == .milliseconds(2500))
        #expect(configuration.listenerLimits.maxConnections == 512 && configuration.listenerLimits.idleTimeout == .seconds(15))
        #expect(configuration.intakeLimits.idleTimeout == .seconds(5))
    }

    @Test func aBadBoundNamesItsKey() throws {
        for (variable, key) in [
            ("GARRISON_INTAKE_MAX_CONNECTIONS", "intake.max_connections"), ("GARRISON_LIMITS_BODY_TIMEOUT_SECONDS", "limits.body_timeout_seconds"),
            ("GARRISON_LIMITS_SHUTDOWN_GRACE_SECONDS", "limits.shutdown_grace_seconds"),
        ] {
            #expect {
                _ = try HubConfiguration(reader: ConfigReader(path: HubConfigurationTests.example, environment: [variable: "0"]))
            } throws: { error in
                "\(error)".contains(key) && "\(error)".contains(variable)
            }
        }
    }
}
