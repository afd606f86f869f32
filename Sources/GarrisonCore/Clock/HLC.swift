/// A hybrid logical clock stamp: wall-clock milliseconds, a logical counter, and the site that made it.
///
/// Stamps are totally ordered by `(wallMillis, counter, site)`, so two writes never tie unless they are the same
/// write. A site's clock never goes backwards and always moves past every stamp it has seen, which makes the
/// order respect causality: a write made after seeing another is stamped later.
public struct HLC: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Physical time in milliseconds since 1970 as the site saw it (possibly advanced by stamps it received).
    public let wallMillis: Int64
    /// Orders writes within the same millisecond.
    public let counter: UInt32
    /// The site that made the stamp; breaks ties.
    public let site: SiteID

    public init(wallMillis: Int64, counter: UInt32, site: SiteID) {
        self.wallMillis = wallMillis
        self.counter = counter
        self.site = site
    }

    public static func < (lhs: HLC, rhs: HLC) -> Bool {
        if lhs.wallMillis != rhs.wallMillis { return lhs.wallMillis < rhs.wallMillis }
        if lhs.counter != rhs.counter { return lhs.counter < rhs.counter }
        return lhs.site < rhs.site
    }

    /// `wall.counter@site`, the form used in logs and conflict records.
    public var description: String { "\(wallMillis).\(counter)@\(site)" }

}

extension HLC {
    /// Parses the `wall.counter@site` form.
    public init?(_ text: some StringProtocol) {
        guard let dot = text.firstIndex(of: "."), let at = text[dot...].firstIndex(of: "@"),
            let wall = Int64(text[..<dot]), let counter = UInt32(text[text.index(after: dot)..<at])
        else { return nil }
        self.init(wallMillis: wall, counter: counter, site: SiteID(rawValue: String(text[text.index(after: at)...])))
    }

    /// On the wire a stamp is its `wall.counter@site` string: every field of every change carries one or two
    /// stamps, and one string costs a fraction of a three-key object to encode and decode.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let stamp = HLC(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not a stamp wall.counter@site")
        }
        self = stamp
    }
}
