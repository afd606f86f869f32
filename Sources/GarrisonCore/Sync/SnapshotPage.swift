/// One page of a garrison's snapshot (`GET /v1/sync/snapshot`), for the bootstrap of a new node (DESIGN §4).
///
/// The node keeps the `cursor` of the first page and pulls from it once every page is applied: the cursor is
/// read before the reports, and a report changed meanwhile comes again through the feed, where the merge takes
/// it idempotently.
public struct SnapshotPage: Hashable, Codable, Sendable {
    public let garrison: GarrisonCode
    /// The feed position the snapshot is at least as new as.
    public let cursor: Int64
    /// Reports in id order, after the request's `after`.
    public let reports: [ReportState]
    /// The `after` of the next page; nil on the last page.
    public let nextAfter: String?
    public let hub: HubIdentity

    public init(garrison: GarrisonCode, cursor: Int64, reports: [ReportState], nextAfter: String?, hub: HubIdentity) {
        self.garrison = garrison
        self.cursor = cursor
        self.reports = reports
        self.nextAfter = nextAfter
        self.hub = hub
    }

    private enum CodingKeys: String, CodingKey {
        case garrison, cursor, reports
        case nextAfter = "next_after"
        case hub
    }
}
