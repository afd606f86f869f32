/// Why a value, a report or a change was refused: a stable `code` for machines and a message for people.
///
/// The HTTP edge maps these to `application/problem+json` with the same code; the CLI prints the message.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, machine-readable code such as `.invalidTeryt`.
    public let code: ProblemCode
    /// What was wrong, in words a person can act on.
    public let message: String
    /// The field the error is about, when there is one.
    public let field: String?

    public init(code: ProblemCode, message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }

    static func invalidTeryt(_ text: String, reason: String) -> Self {
        .init(code: .invalidTeryt, message: "\"\(text)\" is not a valid county TERYT code: \(reason)", field: "teryt")
    }

    static func invalidRegistry(_ message: String) -> Self { .init(code: .invalidRegistry, message: message) }
}
