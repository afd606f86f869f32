/// Why county boundary data could not be loaded: which file (or data) and what is wrong with it.
public struct GeoJSONError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file path, or a label for in-memory data.
    public let source: String
    /// What is wrong, in words a person can act on.
    public let message: String

    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}
