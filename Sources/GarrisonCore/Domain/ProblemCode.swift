/// A refusal's stable, machine-readable code: the `code` of every problem+json answer, quarantine entry and
/// set-aside change (DESIGN §6). Scripts, nodes and operators switch on it, so a code never changes meaning.
///
/// The codes garrison itself gives are the constants below (`ProblemCode+Catalogue.swift`); a code read from the
/// wire (a hub's answer, a stored refusal) is wrapped as it came with `init(rawValue:)`.
public struct ProblemCode: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Wraps a code as given, such as one the hub answered with.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A code read from a peer, or nil unless it is 1–64 of `a-z`, `0-9` and `_` (a hostile peer's text never
    /// becomes a code that logs, stores and statuses repeat).
    public init?(validating text: String) {
        guard (1...64).contains(text.utf8.count), text.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F })
        else { return nil }
        self.rawValue = text
    }

    public var description: String { rawValue }

    public static func < (lhs: ProblemCode, rhs: ProblemCode) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
