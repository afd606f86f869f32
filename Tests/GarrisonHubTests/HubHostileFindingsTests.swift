import Foundation
import GarrisonCore
import GarrisonHub
import GarrisonHubClient
import GarrisonTestSupport
import NIOHTTP1
import Testing

/// Issue 13's findings 1, 2, 3 and 5 against a real hub over mutual TLS, from a node with a valid certificate:
/// each hostile change is quarantined with a stable code while the batch around it applies, and the hub goes on.
@Suite(.serialized) struct HubHostileFindingsTests {
    let now = Int64(Date().timeIntervalSince1970 * 1000)

    /// A valid creation for garrison 20 by `node-20`.
    func creation(_ writer: inout ReportWriter, county: String = "2061", location: Coordinate? = nil, unit: String? = nil) -> Change {
        var random = SystemRandomNumberGenerator()
        return writer.create(.init(
            id: UUIDv7.make(millis: now, using: &random), garrison: "20", county: CountyCode(county), location: location,
            category: 16, description: "Samochody przekraczają prędkość", pillar: .directContact, unit: unit), nowMillis: now)
    }

    /// Pushes `changes` as seqs from `from`, returning the rejection codes by seq; the whole batch must be taken.
    func push(_ client: HubClient, _ changes: [Change], from: Int64) async throws -> [Int64: ProblemCode] {
        let queued = changes.enumerated().map { QueuedChange(seq: from + Int64($0.offset), change: $0.element) }
        let ack = try await client.push(PushRequest(changes: queued))
        #expect(ack.ackedThrough == from + Int64(changes.count) - 1, "the whole batch is acknowledged")
        return Dictionary(uniqueKeysWithValues: ack.rejections.map { ($0.seq, $0.reason.code) })
    }

    @Test("finding 1: an epoch of Int.max is quarantined and the report can still be worked; the hub does not trap")
    func hugeEpoch() async throws {
        try await TestHub.with { hub in
            try await hub.withClient(hub.pki.node("20")) { client in
                var writer = ReportWriter(clock: HybridClock(site: "node-20"))
                let create = creation(&writer)
                let state = MergeEngine.apply(create, to: nil, nowMillis: now).state
                var poison = try writer.moveStatus(of: state, to: .weryfikacja, nowMillis: now + 1)
                poison.status?.epoch = Int.max
                poison.status?.base = nil
                let honest = try writer.moveStatus(of: state, to: .weryfikacja, nowMillis: now + 2)
                let codes = try await push(client, [create, poison, honest], from: 1)
                #expect(codes == [2: "invalid_epoch"])
                let stored = try #require(try await hub.storedStates()[create.reportID])
                #expect(stored.status?.status == .weryfikacja && stored.status?.epoch == 0)
            }
        }
    }

    @Test("finding 2: NUL in a description, a note or an id is quarantined, never a 503 for the batch")
    func nulCharacters() async throws {
        try await TestHub.with { hub in
            try await hub.withClient(hub.pki.node("20")) { client in
                var writer = ReportWriter(clock: HybridClock(site: "node-20"))
                var nulDescription = creation(&writer)
                nulDescription.fields[.description]?.value = .string("zły\u{0}opis")
                let good = creation(&writer)
                let state = MergeEngine.apply(good, to: nil, nowMillis: now).state
                var random = SystemRandomNumberGenerator()
                let nulNote = writer.addNote(
                    id: UUIDv7.make(millis: now, using: &random), author: "KMP-2061", text: "a\u{0}b", to: state, nowMillis: now + 1)
                var nulID = creation(&writer)
                nulID.reportID = "0190a3f2-7c1e-7b3a-9f00-12345678\u{0}0ab"
                let codes = try await push(client, [nulDescription, good, nulNote, nulID, creation(&writer)], from: 1)
                #expect(codes == [1: "invalid_text", 3: "invalid_text", 4: "invalid_id"])
                #expect(try await hub.storedStates().values.filter { $0.garrison == "20" }.count == 2)
            }
        }
    }

    @Test("a change the database refuses is quarantined with its reason; the rest of the batch applies")
    func refusedByTheDatabase() async throws {
        try await TestHub.with { hub in
            // Stands in for any value PostgreSQL refuses that the validator lets through.
            try hub.sql("""
                CREATE FUNCTION refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.state::text LIKE '%REFUSE-ME%' THEN
                    RAISE EXCEPTION 'refused for the test' USING ERRCODE = '22023';
                  END IF;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER refuse_marked BEFORE INSERT OR UPDATE ON reports FOR EACH ROW EXECUTE FUNCTION refuse_marked();
                """)
            try await hub.withClient(hub.pki.node("20")) { client in
                var writer = ReportWriter(clock: HybridClock(site: "node-20"))
                var changes = (0..<9).map { _ in creation(&writer) }
                changes[5].fields[.description]?.value = .string("REFUSE-ME")
                let codes = try await push(client, changes, from: 1)
                #expect(codes == [6: "refused_by_database"])
                #expect(try await hub.storedStates().values.filter { $0.garrison == "20" }.count == 8)
                let quarantined = try await hub.count("SELECT count(*) FROM quarantine WHERE reason_code = 'refused_by_database'")
                #expect(quarantined == 1)
                // The node goes on with its next batch as usual.
                let next = try await push(client, [creation(&writer)], from: 10)
                #expect(next.isEmpty)
            }
        }
    }

    @Test("finding 3: a stamp from the future is quarantined as stamp_in_future; later honest writes win")
    func futureStamp() async throws {
        try await TestHub.with { hub in
            try await hub.withClient(hub.pki.node("20")) { client in
                var writer = ReportWriter(clock: HybridClock(site: "node-20"))
                let create = creation(&writer)
                let state = MergeEngine.apply(create, to: nil, nowMillis: now).state
                var frozen = writer.set([.description: .string("z przyszłości")], on: state, nowMillis: now + 1)
                frozen.fields[.description]?.stamp = HLC(wallMillis: now + 50 * 365 * 86_400_000, counter: 0, site: "node-20")
                let honest = writer.set([.description: .string("poprawiony opis")], on: state, nowMillis: now + 2)
                let codes = try await push(client, [create, frozen, honest], from: 1)
                #expect(codes == [2: "stamp_in_future"])
                #expect(try await hub.storedStates()[create.reportID]?[.description] == .string("poprawiony opis"))
            }
        }
    }

    @Test("finding 5: foreign origins and sites, another garrison's unit, counties outside the register, foreign points")
    func beliefs() async throws {
        let counties = try ReferenceData.counties()
        let hub = try await TestHub.start(extra: ["validation.counties": counties])
        do {
            try await hub.withClient(hub.pki.node("20")) { client in
                var writer = ReportWriter(clock: HybridClock(site: "node-20"))
                var asHub = creation(&writer)
                asHub.origin = "hub"
                var foreignStamp = creation(&writer)
                foreignStamp.fields[.description]?.stamp = HLC(wallMillis: now, counter: 0, site: "node-22")
                let otherUnit = creation(&writer, unit: "KMP-2261")
                var noCounty = creation(&writer)
                noCounty.fields[.county]?.value = .string("2099")
                let belarus = creation(&writer, county: "2002", location: Coordinate(latitude: 53.68, longitude: 23.83))
                let elsewhere = creation(&writer, county: "2002", location: Coordinate(latitude: 53.13, longitude: 23.16))
                let inside = creation(&writer, county: "2061", location: Coordinate(latitude: 53.13, longitude: 23.16))
                let codes = try await push(client, [asHub, foreignStamp, otherUnit, noCounty, belarus, elsewhere, inside], from: 1)
                #expect(codes == [
                    1: "foreign_site", 2: "foreign_site", 3: "unit_of_other_garrison", 4: "unknown_county", 5: "outside_poland",
                    6: "location_outside_county",
                ])
                #expect(try await hub.storedStates()[inside.reportID] != nil)
            }
            // A certificate naming the hub's own site is refused whatever it writes.
            try await hub.withClient(try hub.pki.credential(.node, garrison: "20", node: "hub")) { client in
                var writer = ReportWriter(clock: HybridClock(site: "hub"))
                let codes = try await push(client, [creation(&writer)], from: 1)
                #expect(codes == [1: "reserved_site"])
            }
        } catch {
            await hub.stop()
            throw error
        }
        await hub.stop()
    }

    @Test("a path parameter that does not parse is 400, not 500")
    func pathParameters() async throws {
        try await TestHub.with { hub in
            try await hub.withClient(hub.pki.admin()) { client in
                for path in ["/v1/admin/conflicts/abc", "/v1/admin/quarantine/1e9/retry"] {
                    let method: HTTPMethod = path.hasSuffix("retry") ? .POST : .GET
                    let answer = try await client.exchange(method, path)
                    #expect(answer.status == 400, "\(path) answered \(answer.status)")
                    #expect(answer.contentType == "application/problem+json")
                }
            }
        }
    }
}
