/// A failure of the deployment's PKI: a stable code and a message for people.
public struct PKIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable, e.g. `"no_identity"`, `"invalid_identity"`, `"unreadable_pem"`.
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
