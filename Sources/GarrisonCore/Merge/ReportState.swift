/// The merged state of one report at one replica: registers, the status register, grow-only sets, tombstone.
///
/// `merged(with:)` is commutative, associative and idempotent (tested over random histories), so replicas that
/// see the same changes in any order, with duplicates, end equal.
public struct ReportState: Hashable, Codable, Sendable {
    public let reportID: String
    public var fields: [ReportField: Register]
    public var status: StatusRegister?
    public var notes: [String: Note]
    public var confirmations: [String: Confirmation]
    public var tombstone: HLC?

    public init(
        reportID: String, fields: [ReportField: Register] = [:], status: StatusRegister? = nil,
        notes: [String: Note] = [:], confirmations: [String: Confirmation] = [:], tombstone: HLC? = nil
    ) {
        self.reportID = reportID
        self.fields = fields
        self.status = status
        self.notes = notes
        self.confirmations = confirmations
        self.tombstone = tombstone
    }

    /// The state a single change describes on its own.
    public init(_ change: Change) {
        self.init(
            reportID: change.reportID, fields: change.fields, status: change.status,
            notes: Dictionary(change.notes.map { ($0.id, $0) }, uniquingKeysWith: Self.pick),
            confirmations: Dictionary(change.confirmations.map { ($0.id, $0) }, uniquingKeysWith: Self.pick),
            tombstone: change.tombstone)
    }

    /// The join of two states of the same report.
    public func merged(with other: ReportState) -> ReportState {
        precondition(reportID == other.reportID, "merging states of different reports")
        var result = self
        result.merge(other)
        return result
    }

    /// Joins `other` into this state.
    public mutating func merge(_ other: ReportState) {
        fields.merge(other.fields) { $0.merged(with: $1) }
        switch (status, other.status) {
        case (let mine?, let theirs?): status = mine.merged(with: theirs)
        case (nil, let theirs?): status = theirs
        default: break
        }
        notes.merge(other.notes, uniquingKeysWith: Self.pick)
        confirmations.merge(other.confirmations, uniquingKeysWith: Self.pick)
        tombstone = [tombstone, other.tombstone].compactMap { $0 }.max()
    }

    /// Two set members with one id are the same write in a correct deployment; a canonical choice keeps
    /// the union commutative even if they are not.
    private static func pick<T: Encodable & Equatable>(_ lhs: T, _ rhs: T) -> T {
        guard lhs != rhs else { return lhs }
        return String(describing: lhs) >= String(describing: rhs) ? lhs : rhs
    }

    /// The value of a plain field, if written.
    public subscript(field: ReportField) -> FieldValue? { fields[field]?.value }

    /// The garrison the report belongs to now.
    public var garrison: GarrisonCode? { self[.garrison]?.stringValue.map(GarrisonCode.init(rawValue:)) }

    /// The latest stamp of any write the state holds: when the report last changed.
    public var latestStamp: HLC? {
        ([status?.stamp, tombstone].compactMap { $0 } + fields.values.map(\.stamp)).max()
    }

    /// Whether the report has been deleted.
    public var isDeleted: Bool { tombstone != nil }
}
