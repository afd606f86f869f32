/// Names the site that made a write: the hub, a garrison's node, the national node or the citizens' intake.
///
/// Site ids break ties between HLC stamps, so every site of a deployment must have a distinct one
/// (e.g. `"hub"`, `"node-20-a"`, `"national"`).
public struct SiteID: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    public static func < (lhs: SiteID, rhs: SiteID) -> Bool { lhs.rawValue < rhs.rawValue }
}
