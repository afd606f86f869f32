import GarrisonCore

/// A garrison node's stream of writes for tests and benchmarks: new reports in the garrison's own counties
/// with DOMAIN.md's category mix, and updates of earlier ones (a status step, a note, the unit), each made on
/// top of what the node itself wrote. Seeded, so two runs make the same changes.
public struct GarrisonWorkload: Sendable {
    public let garrison: GarrisonCode
    private var writer: ReportWriter
    private var random: SplitMix64
    private let counties: [CountyCode]
    /// The node's own view of its reports (its writes only).
    public private(set) var states: [String: ReportState] = [:]
    private var ids: [String] = []
    private var made = 0

    public init(garrison: GarrisonCode, site: SiteID, seed: UInt64, counties: [CountyCode]? = nil) {
        self.garrison = garrison
        self.writer = ReportWriter(clock: HybridClock(site: site))
        self.random = SplitMix64(seed: seed)
        self.counties = counties ?? SimulationConfig.defaultCounties[garrison] ?? []
    }

    /// The next change: a new report with probability `creationShare` (always while there is none).
    public mutating func next(nowMillis: Int64, creationShare: Double = 0.5) -> Change {
        if ids.isEmpty || Double(random.next() % 10_000) / 10_000 < creationShare { return create(nowMillis: nowMillis) }
        return update(ids[Int(random.next() % UInt64(ids.count))], nowMillis: nowMillis)
    }

    /// A new report.
    public mutating func create(nowMillis: Int64) -> Change {
        made += 1
        let county = counties[Int(random.next() % UInt64(counties.count))]
        let category = CategoryMix.draw(using: &random)
        let id = UUIDv7.make(millis: nowMillis, using: &random)
        let pillar: Pillar = random.next() % 2 == 0 ? .policeSystems : .directContact
        let report = ReportWriter.NewReport(
            id: id, garrison: garrison, county: county, category: category,
            description: "Zgłoszenie \(made): kategoria \(category), powiat \(county)", pillar: pillar)
        let change = writer.create(report, nowMillis: nowMillis)
        record(change, nowMillis: nowMillis)
        ids.append(id)
        return change
    }

    /// An update of report `id`: the next status step, a note, or the unit.
    public mutating func update(_ id: String, nowMillis: Int64) -> Change {
        let state = states[id]!
        let change: Change
        switch random.next() % 3 {
        case 0:
            if let next = state.status?.status.next.sorted(by: { ($0.rank, $0.rawValue) < ($1.rank, $1.rawValue) }).first, let moved = try? writer.moveStatus(of: state, to: next, nowMillis: nowMillis) {
                change = moved
            } else {
                change = note(on: state, nowMillis: nowMillis)
            }
        case 1:
            change = note(on: state, nowMillis: nowMillis)
        default:
            let county = CountyCode(state[.county]!.stringValue!)
            change = writer.set([.unit: .string(LocalUnit(county: county).id)], on: state, nowMillis: nowMillis)
        }
        record(change, nowMillis: nowMillis)
        return change
    }

    private mutating func note(on state: ReportState, nowMillis: Int64) -> Change {
        writer.addNote(
            id: UUIDv7.make(millis: nowMillis, using: &random), author: "dyżurny", text: "Patrol sprawdził miejsce.",
            to: state, nowMillis: nowMillis)
    }

    private mutating func record(_ change: Change, nowMillis: Int64) {
        states[change.reportID] = MergeEngine.apply(change, to: states[change.reportID], nowMillis: nowMillis).state
    }
}
