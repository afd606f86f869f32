import GarrisonCore

/// A report as units read it: the current value of every field, the status, the verification card, notes and
/// where it stands against the 2-day read and 5-day verify deadlines.
struct ReportView: Encodable {
    let id: String
    let garrison: String?
    let county: String?
    let unit: String?
    let category: Int64?
    let categoryVersion: Int64?
    let description: String?
    let pillar: String?
    let location: FieldValue?
    let createdAt: Int64?
    let eventAt: Int64?
    let timeOfDay: String?
    let daysOfWeek: FieldValue?
    let status: String?
    let epoch: Int?
    let publicColor: String?
    let card: FieldValue?
    let handover: String?
    let readAt: Int64?
    let verifiedAt: Int64?
    let hidden: Bool
    let duplicateOf: String?
    let duplicatedBy: [String]
    let notes: [Note]
    let confirmations: Int
    let deadlines: DeadlineView?

    struct DeadlineView: Encodable {
        let readDue: Int64
        let verifyDue: Int64
        let missed: [String]

        enum CodingKeys: String, CodingKey {
            case missed
            case readDue = "read_due"
            case verifyDue = "verify_due"
        }
    }

    init(_ state: ReportState, deadlines: Deadlines = .standard, nowMillis: Int64) {
        id = state.reportID
        garrison = state.garrison?.rawValue
        county = state[.county]?.stringValue
        unit = state[.unit]?.stringValue
        category = state[.category]?.intValue
        categoryVersion = state[.categoryVersion]?.intValue
        description = state[.description]?.stringValue
        pillar = state[.pillar]?.stringValue
        location = state[.location]
        createdAt = state[.createdAt]?.intValue
        eventAt = state[.eventAt]?.intValue
        timeOfDay = state[.timeOfDay]?.stringValue
        daysOfWeek = state[.daysOfWeek]
        status = state.status?.status.rawValue
        epoch = state.status?.epoch
        publicColor = state.status?.status.publicColor
        card = state[.card]
        handover = state[.handover]?.stringValue
        readAt = state[.readAt]?.intValue
        verifiedAt = state[.verifiedAt]?.intValue
        hidden = state[.hidden]?.boolValue ?? false
        duplicateOf = state[.duplicateOf]?.stringValue
        duplicatedBy = state[.duplicatedBy]?.stringList ?? []
        notes = state.notes.values.sorted { ($0.atMillis, $0.id) < ($1.atMillis, $1.id) }
        confirmations = state.confirmations.count
        self.deadlines = createdAt.map { created in
            DeadlineView(
                readDue: created + deadlines.readMillis, verifyDue: created + deadlines.verifyMillis,
                missed: deadlines.missed(
                    createdMillis: created, readMillis: state[.readAt]?.intValue,
                    verifiedMillis: state[.verifiedAt]?.intValue, nowMillis: nowMillis
                ).map(\.rawValue).sorted())
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, garrison, county, unit, category, description, pillar, location, status, epoch, card, handover
        case hidden, notes, confirmations, deadlines
        case categoryVersion = "category_version"
        case createdAt = "created_at"
        case eventAt = "event_at"
        case timeOfDay = "time_of_day"
        case daysOfWeek = "days_of_week"
        case publicColor = "public_color"
        case readAt = "read_at"
        case verifiedAt = "verified_at"
        case duplicateOf = "duplicate_of"
        case duplicatedBy = "duplicated_by"
    }
}

/// One history entry as units read it: when, from where, who, and what the change wrote.
struct HistoryView: Encodable {
    let appliedAt: Int64
    let source: String
    let author: String?
    let origin: String
    let kind: String
    let fields: [String: FieldValue]
    let status: String?
    let notes: [String]

    init(_ entry: HistoryEntry) {
        appliedAt = entry.appliedAtMillis
        source = entry.source
        author = entry.author
        origin = entry.change.origin.rawValue
        kind = entry.change.kind.rawValue
        fields = Dictionary(uniqueKeysWithValues: entry.change.fields.map { ($0.key.rawValue, $0.value.value) })
        status = entry.change.status?.status.rawValue
        notes = entry.change.notes.map(\.text)
    }

    enum CodingKeys: String, CodingKey {
        case source, author, origin, kind, fields, status, notes
        case appliedAt = "applied_at"
    }
}
