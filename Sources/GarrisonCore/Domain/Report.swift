/// A report as people and APIs see it: the typed view of a merged `ReportState`.
public struct Report: Hashable, Codable, Sendable, Identifiable {
    public let id: String
    public let garrison: GarrisonCode
    public let county: CountyCode
    public let location: Coordinate?
    public let category: Int
    public let categoryVersion: Int
    public let description: String
    public let pillar: Pillar
    public let status: ReportStatus
    /// How many times the report was reopened.
    public let statusEpoch: Int
    public let unit: String?
    public let card: VerificationCard?
    /// The outside body a confirmed report was handed over to.
    public let handover: String?
    public let hidden: Bool
    public let duplicateOf: String?
    /// The reports linked to this one as its duplicates.
    public let duplicatedBy: [String]
    public let createdAtMillis: Int64
    public let eventAtMillis: Int64?
    public let timeOfDay: TimeOfDay?
    public let daysOfWeek: [Int]
    /// When the report first left "Nowe" (the 2-day read deadline).
    public let readAtMillis: Int64?
    /// When it first reached a verified outcome (the 5-day verify deadline).
    public let verifiedAtMillis: Int64?
    public let notes: [Note]
    public let confirmations: Int
    /// The latest stamp of any of its fields: when it last changed.
    public let modified: HLC?

    /// The typed view of a state; nil while the state lacks its creation (e.g. only a late update arrived).
    public init?(_ state: ReportState) {
        guard let garrison = state.garrison,
            let countyText = state[.county]?.stringValue, let county = try? CountyCode(validating: countyText),
            let category = state[.category]?.intValue, let version = state[.categoryVersion]?.intValue,
            let description = state[.description]?.stringValue,
            let pillar = state[.pillar]?.stringValue.flatMap(Pillar.init(rawValue:)),
            let created = state[.createdAt]?.intValue
        else { return nil }
        self.id = state.reportID
        self.garrison = garrison
        self.county = county
        if case .object(let point)? = state[.location], let lat = point["lat"]?.doubleValue,
            let lon = point["lon"]?.doubleValue
        {
            self.location = Coordinate(latitude: lat, longitude: lon)
        } else {
            self.location = nil
        }
        self.category = Int(category)
        self.categoryVersion = Int(version)
        self.description = description
        self.pillar = pillar
        self.status = state.status?.status ?? .nowe
        self.statusEpoch = state.status?.epoch ?? 0
        self.unit = state[.unit]?.stringValue
        self.card = state[.card].flatMap { try? VerificationCard($0) }
        self.handover = state[.handover]?.stringValue
        self.hidden = state[.hidden]?.boolValue ?? false
        self.duplicateOf = state[.duplicateOf]?.stringValue
        self.duplicatedBy = state[.duplicatedBy]?.stringList ?? []
        self.createdAtMillis = created
        self.eventAtMillis = state[.eventAt]?.intValue
        self.timeOfDay = state[.timeOfDay]?.stringValue.flatMap(TimeOfDay.init(rawValue:))
        if case .array(let days)? = state[.daysOfWeek] {
            self.daysOfWeek = days.compactMap { $0.intValue.map(Int.init) }
        } else {
            self.daysOfWeek = []
        }
        self.readAtMillis = state[.readAt]?.intValue
        self.verifiedAtMillis = state[.verifiedAt]?.intValue
        self.notes = state.notes.values.sorted { ($0.atMillis, $0.id) < ($1.atMillis, $1.id) }
        self.confirmations = state.confirmations.count
        self.modified = state.latestStamp
    }

    /// Which deadlines the report has missed at `nowMillis`.
    public func missedDeadlines(at nowMillis: Int64, deadlines: Deadlines = .standard) -> Set<Deadlines.Deadline> {
        deadlines.missed(
            createdMillis: createdAtMillis, readMillis: readAtMillis, verifiedMillis: verifiedAtMillis,
            nowMillis: nowMillis)
    }
}
