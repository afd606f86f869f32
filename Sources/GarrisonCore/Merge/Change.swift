/// One write at one site, as it travels: the report, its garrison, and every field written, each with its stamp
/// and the stamp the writer had seen (its base). The unit of sync (DESIGN §3–§4).
public struct Change: Hashable, Codable, Sendable {
    /// Whether the change creates the report or updates an existing one.
    public enum Kind: String, Codable, Sendable {
        case create
        case update
        /// A site re-sending its own earlier writes to a hub restored from an older backup (re-sync).
        case restore
    }

    /// The report's UUIDv7, made where the report was born.
    public var reportID: String
    /// The garrison the report belongs to as the writer saw it: the tenant the change is filed under.
    public var garrison: GarrisonCode
    /// The site that made the change.
    public var origin: SiteID
    public var kind: Kind
    /// Plain fields written, each a last-writer-wins register.
    public var fields: [ReportField: Register]
    /// A status move, if any.
    public var status: StatusRegister?
    /// Notes added (grow-only).
    public var notes: [Note]
    /// Citizens' confirmations added (grow-only).
    public var confirmations: [Confirmation]
    /// A deletion, if any: the stamp of the tombstone.
    public var tombstone: HLC?

    public init(
        reportID: String, garrison: GarrisonCode, origin: SiteID, kind: Kind,
        fields: [ReportField: Register] = [:], status: StatusRegister? = nil, notes: [Note] = [],
        confirmations: [Confirmation] = [], tombstone: HLC? = nil
    ) {
        self.reportID = reportID
        self.garrison = garrison
        self.origin = origin
        self.kind = kind
        self.fields = fields
        self.status = status
        self.notes = notes
        self.confirmations = confirmations
        self.tombstone = tombstone
    }

    /// The whole state of a report as one change (the hub sends it to a garrison a report is moved to, and in
    /// snapshots): applying it to any replica gives at least that state.
    public init(snapshotOf state: ReportState, origin: SiteID) {
        self.init(
            reportID: state.reportID, garrison: state.garrison ?? "", origin: origin, kind: .update,
            fields: state.fields, status: state.status, notes: state.notes.values.sorted { $0.id < $1.id },
            confirmations: state.confirmations.values.sorted { $0.id < $1.id }, tombstone: state.tombstone)
    }

    /// The writes of `site` that `state` still holds, as one `.restore` change: what a node re-queues when it
    /// finds the hub restored from an older backup. Other sites' writes come back from those sites.
    public init(restoringWritesOf state: ReportState, by site: SiteID) {
        self.init(
            reportID: state.reportID, garrison: state.garrison ?? "", origin: site, kind: .restore,
            fields: state.fields.filter { $0.value.stamp.site == site },
            status: state.status.flatMap { $0.stamp.site == site ? $0 : nil },
            notes: state.notes.values.sorted { $0.id < $1.id })
    }

    /// The highest stamp the change carries (a receiver's clock observes it).
    public var maxStamp: HLC? {
        ([status?.stamp, tombstone].compactMap { $0 } + fields.values.map(\.stamp)).max()
    }

    /// Whether the change writes nothing.
    public var isEmpty: Bool {
        fields.isEmpty && status == nil && notes.isEmpty && confirmations.isEmpty && tombstone == nil
    }

    private enum CodingKeys: String, CodingKey {
        case reportID = "report_id"
        case garrison, origin, kind, fields, status, notes, confirmations, tombstone
    }
}

/// A change in a node's outbound queue, numbered by the node's own gap-free sequence.
public struct QueuedChange: Hashable, Codable, Sendable {
    /// 1, 2, 3… per node, never reused; the hub's high-water mark for the node refers to it.
    public let seq: Int64
    public let change: Change

    public init(seq: Int64, change: Change) {
        self.seq = seq
        self.change = change
    }
}
