import GarrisonCore

/// `POST /v1/reports`: a report a unit records (pillar 1, police systems; pillar 2, direct contacts and debates).
struct CreateReportRequest: Decodable {
    /// Optional: a UUIDv7 the client made, so that a retried request cannot create the report twice.
    var id: String?
    var county: String
    var category: Int
    var description: String
    var pillar: String
    var location: Location?
    var eventAt: Int64?
    var timeOfDay: String?
    var daysOfWeek: [Int]?
    var unit: String?

    struct Location: Decodable {
        var lat: Double
        var lon: Double
    }

    enum CodingKeys: String, CodingKey {
        case id, county, category, description, pillar, location, unit
        case eventAt = "event_at"
        case timeOfDay = "time_of_day"
        case daysOfWeek = "days_of_week"
    }
}

/// `POST /v1/reports/{id}/card`: open (or update) the verification card.
struct CardRequest: Decodable {
    var findings: String?
    var actions: String?
}

/// `POST /v1/reports/{id}/status`: one step along the allowed flow.
struct StatusRequest: Decodable {
    var status: String
}

/// `POST /v1/reports/{id}/reopen`: a closed report back to "Weryfikacja" in a new epoch; the reason is kept as
/// a note (a reopen is audited).
struct ReopenRequest: Decodable {
    var reason: String
}

/// `POST /v1/reports/{id}/handover`: confirmed and handed over to a body outside the Police.
struct HandoverRequest: Decodable {
    var to: String
}

/// `POST /v1/reports/{id}/notes`.
struct NoteRequest: Decodable {
    var text: String
}

/// `POST /v1/reports/{id}/unit`: the voivodeship coordinator assigns the report to a local unit.
struct AssignRequest: Decodable {
    var unit: String
}
