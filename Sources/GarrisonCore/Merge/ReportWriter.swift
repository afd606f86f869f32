/// Makes the changes a site writes: stamps every field from the site's clock and records each field's base
/// (the stamp the writer saw), which is what lets receivers tell conflicts from overwrites.
public struct ReportWriter: Sendable {
    /// The site's clock; every change it makes advances it.
    public private(set) var clock: HybridClock

    public init(clock: HybridClock) { self.clock = clock }

    /// The writing site.
    public var site: SiteID { clock.site }

    /// What a new report says.
    public struct NewReport: Hashable, Sendable {
        public var id: String
        public var garrison: GarrisonCode
        public var county: CountyCode
        public var location: Coordinate?
        public var category: Int
        public var categoryVersion: Int
        public var description: String
        public var pillar: Pillar
        public var eventAtMillis: Int64?
        public var timeOfDay: TimeOfDay?
        public var daysOfWeek: [Int]
        public var unit: String?

        public init(
            id: String, garrison: GarrisonCode, county: CountyCode, location: Coordinate? = nil, category: Int,
            categoryVersion: Int = 1, description: String, pillar: Pillar, eventAtMillis: Int64? = nil,
            timeOfDay: TimeOfDay? = nil, daysOfWeek: [Int] = [], unit: String? = nil
        ) {
            self.id = id
            self.garrison = garrison
            self.county = county
            self.location = location
            self.category = category
            self.categoryVersion = categoryVersion
            self.description = description
            self.pillar = pillar
            self.eventAtMillis = eventAtMillis
            self.timeOfDay = timeOfDay
            self.daysOfWeek = daysOfWeek
            self.unit = unit
        }
    }

    /// The creation change of a new report, in status "Nowe", epoch 0.
    public mutating func create(_ report: NewReport, nowMillis: Int64) -> Change {
        let stamp = clock.now(physicalMillis: nowMillis)
        var values: [ReportField: FieldValue] = [
            .garrison: .string(report.garrison.rawValue), .county: .string(report.county.rawValue),
            .category: .int(Int64(report.category)), .categoryVersion: .int(Int64(report.categoryVersion)),
            .description: .string(report.description), .pillar: .string(report.pillar.rawValue),
            .createdAt: .int(nowMillis), .unit: .string(report.unit ?? LocalUnit(county: report.county).id),
        ]
        if let location = report.location {
            values[.location] = .object(["lat": .number(location.latitude), "lon": .number(location.longitude)])
        }
        if let event = report.eventAtMillis { values[.eventAt] = .int(event) }
        if let timeOfDay = report.timeOfDay { values[.timeOfDay] = .string(timeOfDay.rawValue) }
        if !report.daysOfWeek.isEmpty { values[.daysOfWeek] = .array(report.daysOfWeek.map { .int(Int64($0)) }) }
        return Change(
            reportID: report.id, garrison: report.garrison, origin: site, kind: .create,
            fields: values.mapValues { Register(value: $0, stamp: stamp) },
            status: StatusRegister(status: .nowe, epoch: 0, stamp: stamp))
    }

    /// An update of plain fields of `state`.
    public mutating func set(_ values: [ReportField: FieldValue], on state: ReportState, nowMillis: Int64) -> Change {
        observe(state, nowMillis: nowMillis)
        let stamp = clock.now(physicalMillis: nowMillis)
        return Change(
            reportID: state.reportID, garrison: state.garrison ?? "", origin: site, kind: .update,
            fields: Dictionary(uniqueKeysWithValues: values.map { field, value in
                (field, Register(value: value, stamp: stamp, base: state.fields[field]?.stamp))
            }))
    }

    /// A status move along the allowed flow (or a reopen into a new epoch), refused if not allowed from the
    /// status the writer sees. Records when the report was first read and first verified.
    public mutating func moveStatus(
        of state: ReportState, to status: ReportStatus, reopen: Bool = false, nowMillis: Int64
    ) throws(ValidationError) -> Change {
        let current = state.status ?? StatusRegister(status: .nowe, epoch: 0, stamp: HLC(wallMillis: 0, counter: 0, site: ""))
        try ReportStatus.validateTransition(from: current.status, to: status, reopen: reopen)
        guard let epoch = reopen ? current.nextEpoch : current.epoch else {
            throw ValidationError(
                code: .invalidEpoch, message: "the report was reopened \(current.epoch) times; it cannot be reopened again",
                field: "status")
        }
        observe(state, nowMillis: nowMillis)
        let stamp = clock.now(physicalMillis: nowMillis)
        var fields: [ReportField: Register] = [:]
        if state[.readAt] == nil, status != .nowe {
            fields[.readAt] = Register(value: .int(nowMillis), stamp: stamp)
        }
        if state[.verifiedAt] == nil, status.isVerified {
            fields[.verifiedAt] = Register(value: .int(nowMillis), stamp: stamp)
        }
        return Change(
            reportID: state.reportID, garrison: state.garrison ?? "", origin: site, kind: .update, fields: fields,
            status: StatusRegister(
                status: status, epoch: epoch, stamp: stamp, base: state.status?.stamp))
    }

    /// A note added to `state`.
    public mutating func addNote(
        id: String, author: String, text: String, to state: ReportState, nowMillis: Int64
    ) -> Change {
        observe(state, nowMillis: nowMillis)
        _ = clock.now(physicalMillis: nowMillis)
        return Change(
            reportID: state.reportID, garrison: state.garrison ?? "", origin: site, kind: .update,
            notes: [Note(id: id, author: author, text: text, atMillis: nowMillis)])
    }

    /// Moves the clock past everything in a state the writer is about to overwrite, so its stamps follow them.
    public mutating func observe(_ state: ReportState, nowMillis: Int64) {
        if let latest = state.latestStamp { clock.observe(latest, physicalMillis: nowMillis) }
    }

    /// Moves the clock past a received change.
    public mutating func observe(_ change: Change, nowMillis: Int64) {
        if let latest = change.maxStamp { clock.observe(latest, physicalMillis: nowMillis) }
    }
}
