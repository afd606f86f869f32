import GarrisonCore

/// Writers for the sites of a small deployment, and a report made at garrison 20's node.
struct Fixtures {
    var node = ReportWriter(clock: HybridClock(site: "node-20"))
    var national = ReportWriter(clock: HybridClock(site: "national"))
    var intake = ReportWriter(clock: HybridClock(site: "hub-intake"))
    let nodePrincipal = Principal(role: .node, garrison: "20", site: "node-20")
    let otherNode = Principal(role: .node, garrison: "22", site: "node-22")
    let nationalPrincipal = Principal(role: .national, site: "national")
    let intakePrincipal = Principal(role: .intake, site: "hub-intake")

    static let reportID = "01900000-0000-7000-8000-000000000001"

    static func newReport(id: String = Fixtures.reportID, garrison: GarrisonCode = "20", county: String = "2061",
                          pillar: Pillar = .directContact) -> ReportWriter.NewReport {
        .init(id: id, garrison: garrison, county: CountyCode(county), location: Coordinate(latitude: 53.13, longitude: 23.16),
              category: 16, description: "Samochody przekraczają prędkość przy szkole", pillar: pillar,
              timeOfDay: .morning, daysOfWeek: [1, 2, 3])
    }

    /// Creates the report at the node and returns the creation change and the state.
    mutating func created(at millis: Int64 = 1_000) -> (Change, ReportState) {
        let change = node.create(Self.newReport(), nowMillis: millis)
        return (change, MergeEngine.apply(change, to: nil, nowMillis: millis).state)
    }
}

extension ReportState {
    func applying(_ changes: Change...) -> ReportState {
        changes.reduce(self) { MergeEngine.apply($1, to: $0, nowMillis: 0).state }
    }
}
