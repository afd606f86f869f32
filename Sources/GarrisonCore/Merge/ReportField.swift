/// The plain (last-writer-wins) fields of a report, and which role owns each (DESIGN §3, authority).
///
/// The status, notes, confirmations and the tombstone are not plain fields: they have merge rules of their own
/// (`StatusRegister`, grow-only sets, `tombstone`).
public enum ReportField: String, Codable, CaseIterable, Hashable, Sendable, CodingKeyRepresentable, Comparable {
    // Creation: set when the report is born (by a node for pillars 1–2, by the intake for pillar 3).
    case county
    case location
    case description
    case pillar
    case createdAt = "created_at"
    case eventAt = "event_at"
    case timeOfDay = "time_of_day"
    case daysOfWeek = "days_of_week"
    case categoryVersion = "category_version"
    // Verification: the garrison's node.
    case unit
    case card
    case handover
    case readAt = "read_at"
    case verifiedAt = "verified_at"
    // Moderation and national decisions: the national role (also set at creation by the creator).
    case garrison
    case category
    case hidden
    case duplicateOf = "duplicate_of"
    /// The reports linked to this one as its duplicates (the other side of `duplicate_of`), so the original's
    /// garrison sees the link too. Written only by the national role, which keeps it in step with `duplicate_of`.
    case duplicatedBy = "duplicated_by"

    /// Fields a report's creator may set in its creation change.
    public static let creation: Set<ReportField> = [
        .county, .location, .description, .pillar, .createdAt, .eventAt, .timeOfDay, .daysOfWeek,
        .categoryVersion, .garrison, .category, .unit,
    ]

    /// Fields the garrison's node owns after creation: verification, correcting the place and description its
    /// units recorded, and the category. The category is shared with the national role on purpose: the unit that
    /// verifies on the spot corrects it locally, the national HQ reclassifies across garrisons; concurrent edits
    /// are decided by last-writer-wins and always leave a conflict record.
    public static let garrisonOwned: Set<ReportField> = [
        .unit, .card, .handover, .readAt, .verifiedAt, .county, .location, .description, .eventAt, .timeOfDay,
        .daysOfWeek, .category,
    ]

    /// Fields the national role owns: moderation, duplicate links, reclassification and moving between garrisons.
    public static let nationalOwned: Set<ReportField> = [
        .hidden, .duplicateOf, .duplicatedBy, .category, .categoryVersion, .garrison,
    ]

    /// Bookkeeping written alongside a status move (when first read, first verified): a clash there is part of
    /// the status conflict already recorded, so it makes no conflict record of its own.
    public var isBookkeeping: Bool { self == .readAt || self == .verifiedAt }

    public static func < (lhs: ReportField, rhs: ReportField) -> Bool { lhs.rawValue < rhs.rawValue }
}
