/// The verification deadlines of DOMAIN.md: a report is read within 2 days and verified within 5.
public struct Deadlines: Hashable, Sendable, Codable {
    /// Time allowed from creation to leaving "Nowe".
    public var readMillis: Int64
    /// Time allowed from creation to a verified outcome.
    public var verifyMillis: Int64

    public static let standard = Deadlines(readMillis: 2 * 86_400_000, verifyMillis: 5 * 86_400_000)

    public init(readMillis: Int64, verifyMillis: Int64) {
        self.readMillis = readMillis
        self.verifyMillis = verifyMillis
    }

    /// Which deadlines a report has missed at `nowMillis` (or missed before it was met, for late ones).
    public func missed(createdMillis: Int64, readMillis read: Int64?, verifiedMillis verified: Int64?, nowMillis: Int64)
        -> Set<Deadline>
    {
        var missed = Set<Deadline>()
        if (read ?? nowMillis) - createdMillis > readMillis { missed.insert(.read) }
        if (verified ?? nowMillis) - createdMillis > verifyMillis { missed.insert(.verify) }
        return missed
    }

    /// One of the two deadlines.
    public enum Deadline: String, Hashable, Sendable, Codable, CaseIterable {
        case read
        case verify
    }
}
