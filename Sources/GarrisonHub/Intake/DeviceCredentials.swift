import Crypto
import Foundation

/// The device credentials the hub issues to citizens' apps and checks on every report (DESIGN §6: the daily
/// limit keys on a credential the hub signs, never on a field the client picks freely).
///
/// A credential is an opaque token, `base64url(v ‖ id ‖ mac)` without padding (66 characters): a version byte
/// `v` = 1, a random 16-byte device id, and `mac` = HMAC-SHA256 over `v ‖ id` under a key derived from the hub's
/// intake secret. Nothing is stored when one is issued; any hub process sharing the secret verifies it. Only the
/// id, hashed, is kept by the per-device count, so a report is never tied to a token in the database.
struct DeviceCredentials: Sendable {
    static let version: UInt8 = 1
    static let idBytes = 16
    static let tokenBytes = 1 + idBytes + SHA256.byteCount

    private let signing: SymmetricKey
    /// A key of its own for hashing client addresses: an IPv4 address is too small a space for a plain hash to
    /// hide it, a keyed one needs the secret.
    private let addressing: SymmetricKey

    /// Keys derived (HKDF-SHA256) from the intake secret, one per use.
    init(secret: [UInt8]) {
        let material = SymmetricKey(data: secret)
        signing = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: material, info: Array("garrison intake device credential v1".utf8), outputByteCount: 32)
        addressing = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: material, info: Array("garrison intake client address v1".utf8), outputByteCount: 32)
    }

    /// A new credential: the token for the app and the device id it carries.
    func issue() -> (token: String, deviceID: String) {
        var random = SystemRandomNumberGenerator()
        let id = (0..<Self.idBytes).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        let message = [Self.version] + id
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: signing)
        return (Self.base64url(message + Array(mac)), Self.hex(id))
    }

    /// The device id a genuine token carries; nil for anything the hub did not sign (the MAC is compared in
    /// constant time).
    func verify(_ token: some StringProtocol) -> String? {
        guard token.utf8.count <= 128, let bytes = Self.unbase64url(String(token)), bytes.count == Self.tokenBytes,
            bytes[0] == Self.version
        else { return nil }
        let message = Array(bytes[..<(1 + Self.idBytes)])
        let mac = Array(bytes[(1 + Self.idBytes)...])
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: signing) else { return nil }
        return Self.hex(message.dropFirst())
    }

    /// The stored form of a client address's limit key: HMAC-SHA256 under the addressing key, in hex.
    func addressHash(_ address: IPAddress) -> String {
        Self.hex(HMAC<SHA256>.authenticationCode(for: Array(address.limitKey.utf8), using: addressing))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func unbase64url(_ text: String) -> [UInt8]? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard).map(Array.init)
    }
}
