import Foundation
import Synchronization

/// The hub's intake secret, from which the device credentials' signing key is derived. Its description never
/// shows it, so neither a log line nor an error message can carry it.
public struct IntakeSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The fewest bytes a configured secret may have.
    public static let minimumBytes = 32

    let bytes: [UInt8]

    /// A secret from configuration text (the environment or a key file), without surrounding white space; nil when
    /// it is shorter than `minimumBytes`.
    public init?(text: String) {
        let bytes = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard bytes.count >= Self.minimumBytes else { return nil }
        self.bytes = bytes
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The secret the configuration gives (`intake.device_secret`, or read now from `intake.device_secret_file`),
    /// nil when it gives none. Also checks, once at start, that the intake's time zone exists.
    static func configured(_ configuration: HubConfiguration) throws -> IntakeSecret? {
        guard WarsawDay.calendar != nil else {
            throw HubStoreError(description: "intake: the time zone Europe/Warsaw, the day of the citizens' limits, is not available")
        }
        guard let path = configuration.intake.deviceSecretPath else { return configuration.intake.deviceSecret }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw HubStoreError(description: "intake.device_secret_file: \(path) cannot be read (\(error.localizedDescription))")
        }
        guard let secret = IntakeSecret(text: text) else {
            throw HubStoreError(description: "intake.device_secret_file: \(path) holds fewer than \(minimumBytes) bytes")
        }
        return secret
    }

    public var description: String { "IntakeSecret(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Where the intake's credentials key comes from: the configured secret (`intake.device_secret` or
/// `intake.device_secret_file`), or else one the hub made and keeps in the database (`intake_secret`, migration
/// v5), so that several hub processes on one PostgreSQL issue and accept the same credentials (DESIGN §9).
final class IntakeKeyring: Sendable {
    private let store: HubStore
    private let credentials = Mutex<DeviceCredentials?>(nil)

    init(store: HubStore, configured: IntakeSecret?) {
        self.store = store
        credentials.withLock { $0 = configured.map { DeviceCredentials(secret: $0.bytes) } }
    }

    /// The credentials' keys; the first call without a configured secret reads (or makes) the stored one.
    func current() async throws -> DeviceCredentials {
        if let known = credentials.withLock({ $0 }) { return known }
        let secret = try await store.intakeSecret()
        let made = DeviceCredentials(secret: secret.bytes)
        credentials.withLock { $0 = made }
        return made
    }
}
