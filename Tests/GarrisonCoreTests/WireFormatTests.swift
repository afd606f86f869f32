import Foundation
import GarrisonCore
import Testing

/// Changes travel as JSON: what a site writes must equal what another site decodes, or replicas diverge.
@Suite("Wire format")
struct WireFormatTests {
    func roundTrip<T: Codable>(_ value: T) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
    }

    @Test("every kind of field value decodes as what it is: text, whole number, flag, fraction, object, list, null")
    func fieldValueKinds() throws {
        let json = #"[ "1", 1, true, 1.5, {"lat": 52.2, "n": 3}, [false, "a", null], null, "true", -7 ]"#
        let decoded = try JSONDecoder().decode([FieldValue].self, from: Data(json.utf8))
        #expect(decoded == [
            .string("1"), .int(1), .bool(true), .double(1.5), .object(["lat": .double(52.2), "n": .int(3)]),
            .array([.bool(false), .string("a"), .null]), .null, .string("true"), .int(-7),
        ])
    }

    @Test("changes survive JSON unchanged, integral coordinates included")
    func changes() throws {
        var generator = HistoryGenerator(seed: 3)
        for change in generator.history(reports: 3, steps: 60) {
            #expect(try roundTrip(change) == change)
        }
        var writer = ReportWriter(clock: HybridClock(site: "node-14"))
        var report = Fixtures.newReport(id: "r-int", garrison: "14", county: "1463")
        report.location = Coordinate(latitude: 51.0, longitude: 21.0)
        let change = writer.create(report, nowMillis: 1_000)
        #expect(try roundTrip(change) == change)
    }

    @Test("sync messages survive JSON unchanged")
    func messages() throws {
        var f = Fixtures()
        let (create, _) = f.created()
        let hub = HubIdentity(systemID: "7311", timeline: 2)
        let push = PushRequest(changes: [QueuedChange(seq: 1, change: create)], rebase: true)
        #expect(try roundTrip(push) == push)
        let ack = PushAck(ackedThrough: 1, rejections: [Rejection(seq: 1, reason: .unknownReport("x"))], hub: hub)
        #expect(try roundTrip(ack) == ack)
        let page = PullPage(entries: [FeedEntry(position: 9, change: create, committedAtMillis: 5)], nextCursor: 9,
                            caughtUp: true, head: 9, hub: hub)
        #expect(try roundTrip(page) == page)
        let json = String(decoding: try JSONEncoder().encode(ack), as: UTF8.self)
        #expect(json.contains("\"acked_through\":1"))
    }

    @Test("a stamp travels as one wall.counter@site string, site ids with dots and @ included")
    func stamps() throws {
        let stamp = HLC(wallMillis: 1_790_000_000_123, counter: 7, site: "node-20.a@b")
        let json = String(decoding: try JSONEncoder().encode([stamp]), as: UTF8.self)
        #expect(json == #"["1790000000123.7@node-20.a@b"]"#)
        #expect(try roundTrip(stamp) == stamp)
        for bad in [#"["12@x"]"#, #"["a.1@x"]"#, #"["1.-1@x"]"#, #"[{"t":1,"c":0,"s":"x"}]"#] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode([HLC].self, from: Data(bad.utf8)) }
        }
    }
}
