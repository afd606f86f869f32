/// A garrison's code: the voivodeship TERYT (`"02"`…`"32"`) for a KWP, or `"KSP"` for the capital's HQ.
public struct GarrisonCode: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The capital garrison, Komenda Stołeczna Policji.
    public static let ksp: GarrisonCode = "KSP"

    public var description: String { rawValue }

    public static func < (lhs: GarrisonCode, rhs: GarrisonCode) -> Bool { lhs.rawValue < rhs.rawValue }
}
