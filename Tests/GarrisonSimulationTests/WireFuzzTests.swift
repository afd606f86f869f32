import Foundation
import GarrisonCore
import GarrisonSimulation
import Testing

/// The fuzz target over the wire decoders, the validator and the merge, as a seeded loop bounded in count (issue
/// 13): no input traps, every refusal has a stable code, and what is accepted merges idempotently and is storable
/// (its JSON holds no NUL, which PostgreSQL's jsonb refuses).
@Suite("Fuzz loop over the wire decoders, the validator and the merge")
struct WireFuzzTests {
    let now: Int64 = 1_750_000_000_000
    let principal = Principal(role: .node, garrison: "20", site: "node-20")

    @Test("10,000 hostile changes through the planner (authority, validation, merge)", arguments: [2026, 7] as [UInt64])
    func hostileChanges(seed: UInt64) async throws {
        var inputs = HostileInputs(seed: seed, nowMillis: now)
        var writer = ReportWriter(clock: HybridClock(site: "node-20"))
        let creation = writer.create(
            .init(id: inputs.uuid(), garrison: "20", county: CountyCode("2061"), location: Coordinate(latitude: 53.13, longitude: 23.16),
                  category: 16, description: "Samochody przy szkole", pillar: .directContact), nowMillis: now - 10_000)
        let state = MergeEngine.apply(creation, to: nil, nowMillis: now).state
        let update = try writer.moveStatus(of: state, to: .weryfikacja, nowMillis: now - 5_000)
        let applier = BatchApplier()
        var codes: [String: Int] = [:]
        var accepted = 0
        let count = 10_000
        for index in 0..<count {
            // Long and CPU-bound: yield now and then, the hub tests beside it answer on the same cooperative pool.
            if index % 100 == 0 { await Task.yield() }
            let base = index % 2 == 0 ? creation : update
            let change = inputs.mutate(base, sender: principal.site)
            let current = index % 2 == 0 || change.reportID != state.reportID ? nil : state
            let plan = applier.planSingle(change, from: principal, current: current, nowMillis: now)
            if let refused = plan.quarantined.first {
                #expect(!refused.reason.code.rawValue.isEmpty && refused.reason.code.rawValue.allSatisfy { $0.isASCII })
                codes[refused.reason.code.rawValue, default: 0] += 1
                continue
            }
            accepted += 1
            let merged = try #require(plan.states[change.reportID] ?? current)
            #expect(MergeEngine.apply(change, to: merged, nowMillis: now).state == merged, "idempotent")
            let json = String(decoding: try JSONEncoder().encode(merged), as: UTF8.self)
            #expect(!json.contains("\\u0000"), "an accepted change holds a NUL")
            #expect(try JSONDecoder().decode(ReportState.self, from: Data(json.utf8)) == merged)
        }
        print("fuzz[\(seed)]: \(count) hostile changes, \(accepted) accepted, \(count - accepted) refused by code: "
            + codes.sorted { $0.value > $1.value }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        #expect(accepted > 0)
        #expect(codes.count >= 15, "the mutations reach many distinct refusals")
    }

    @Test("2,000 hostile JSON bodies through every wire decoder and its check")
    func hostileJSON() async throws {
        var inputs = HostileInputs(seed: 99, nowMillis: now)
        var writer = ReportWriter(clock: HybridClock(site: "node-20"))
        let change = writer.create(
            .init(id: inputs.uuid(), garrison: "20", county: CountyCode("2061"), category: 16, description: "Opis",
                  pillar: .directContact), nowMillis: now)
        let encoder = JSONEncoder()
        let push = Array(try encoder.encode(PushRequest(changes: [QueuedChange(seq: 1, change: change)])))
        let hub = HubIdentity(systemID: "1-x", timeline: 1)
        let pull = Array(try encoder.encode(PullPage(
            entries: [FeedEntry(position: 1, change: change, committedAtMillis: now)], nextCursor: 1, caughtUp: true, head: 1, hub: hub)))
        let ack = Array(try encoder.encode(PushAck(ackedThrough: 1, hub: hub)))
        var decoded = 0
        for index in 0..<2_000 {
            if index % 50 == 0 { await Task.yield() }
            let body = Data(inputs.json(from: inputs.pick([push, pull, ack])))
            let decoder = JSONDecoder()
            if let received = try? decoder.decode(ReceivedPush.self, from: body) {
                decoded += 1
                if (try? received.validateEnvelope()) != nil {
                    let (request, _) = received.request(sender: principal)
                    _ = BatchApplier().plan(request, from: principal, highWater: 0, current: [:], nowMillis: now)
                }
            }
            if let page = try? decoder.decode(PullPage.self, from: body) {
                decoded += 1
                try? page.validate(after: 0, limit: 1_000)
                for entry in page.entries { try? ChangeValidator().validateReplica(entry.change, nowMillis: now) }
            }
            if let answer = try? decoder.decode(PushAck.self, from: body) {
                decoded += 1
                try? answer.validate()
            }
        }
        print("fuzz json: 2000 hostile bodies, \(decoded) decoded as some wire type")
        #expect(decoded > 0)
    }
}
