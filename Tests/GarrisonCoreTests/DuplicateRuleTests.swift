import GarrisonCore
import Testing

@Suite("Cross-border duplicates")
struct DuplicateRuleTests {
    let rule = DuplicateRule.standard

    func report(_ id: String, _ garrison: GarrisonCode, category: Int = 7, lat: Double, lon: Double, hours: Int64 = 0)
        -> DuplicateRule.Candidate
    {
        .init(id: id, garrison: garrison, category: category, location: Coordinate(latitude: lat, longitude: lon),
              createdMillis: 1_790_000_000_000 + hours * 3_600_000)
    }

    @Test("distance: Warsaw's Palace of Culture to the Old Town is about 1.9 km")
    func distance() {
        let meters = DuplicateRule.meters(Coordinate(latitude: 52.2318, longitude: 21.0060), Coordinate(latitude: 52.2497, longitude: 21.0122))
        #expect(meters > 1_900 && meters < 2_100)
    }

    @Test("same category, 150 m apart, a day apart, across a border: the later one is linked to the earlier")
    func links() throws {
        let earlier = report("a", "20", lat: 53.1000, lon: 22.5000)
        let later = report("b", "14", lat: 53.1010, lon: 22.5010, hours: 24)
        let pair = try #require(rule.link(later, among: [earlier]))
        #expect(pair.duplicate.id == "b" && pair.original.id == "a")
        #expect(try #require(rule.link(earlier, among: [later])).duplicate.id == "b", "either arrival order gives one link")
    }

    @Test("no link within one garrison, across categories, beyond 300 m or beyond 72 hours")
    func refusals() {
        let base = report("a", "20", lat: 53.1, lon: 22.5)
        #expect(rule.link(report("b", "20", lat: 53.1, lon: 22.5), among: [base]) == nil)
        #expect(rule.link(report("b", "14", category: 3, lat: 53.1, lon: 22.5), among: [base]) == nil)
        #expect(rule.link(report("b", "14", lat: 53.104, lon: 22.5), among: [base]) == nil)
        #expect(rule.link(report("b", "14", lat: 53.1, lon: 22.5, hours: 73), among: [base]) == nil)
    }
}
