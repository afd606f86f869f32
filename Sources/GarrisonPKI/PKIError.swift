import GarrisonCore

/// A failure of the deployment's PKI: a stable code and a message for people.
public struct PKIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable, e.g. `"no_identity"`, `"invalid_identity"`, `"unreadable_pem"`.
    public let code: ProblemCode
    public let message: String

    public init(code: ProblemCode, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
