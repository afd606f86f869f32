/// A conflict the merge decided: two writes to one field, neither made having seen the other (DESIGN §3).
/// Conflicts are never silent: the record keeps both values, both sites, the rule and the time.
public struct ConflictRecord: Hashable, Codable, Sendable, Identifiable {
    /// The rule that chose the winner.
    public enum Rule: String, Codable, Sendable {
        /// Plain field: the higher HLC stamp wins.
        case lastWriterWins = "last_writer_wins"
        /// Status: the higher `(epoch, rank, stamp)` wins.
        case statusRegister = "status_register"
    }

    /// One side of the conflict.
    public struct Side: Hashable, Codable, Sendable {
        public let value: FieldValue
        public let stamp: HLC
        /// The site that wrote it (the stamp's site).
        public var site: SiteID { stamp.site }

        public init(value: FieldValue, stamp: HLC) {
            self.value = value
            self.stamp = stamp
        }
    }

    /// Deterministic from the report, the field and both stamps: every replica that detects the same conflict
    /// names it the same, so stores deduplicate by id.
    public let id: String
    public let reportID: String
    public let garrison: GarrisonCode
    /// The field name (`ReportField` raw value) or `"status"`.
    public let field: String
    public let winner: Side
    public let loser: Side
    public let rule: Rule
    /// When the conflict was detected here, milliseconds since 1970.
    public let detectedAtMillis: Int64

    public init(
        reportID: String, garrison: GarrisonCode, field: String, winner: Side, loser: Side, rule: Rule,
        detectedAtMillis: Int64
    ) {
        let stamps = [winner.stamp, loser.stamp].sorted()
        self.id = "\(reportID)/\(field)/\(stamps[0])/\(stamps[1])"
        self.reportID = reportID
        self.garrison = garrison
        self.field = field
        self.winner = winner
        self.loser = loser
        self.rule = rule
        self.detectedAtMillis = detectedAtMillis
    }

    private enum CodingKeys: String, CodingKey {
        case id
        case reportID = "report_id"
        case garrison, field, winner, loser, rule
        case detectedAtMillis = "detected_at"
    }
}
