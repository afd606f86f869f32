import GarrisonCore
import Testing

@Suite("Hub batch planning: exactly-once, quarantine, feed")
struct BatchApplierTests {
    let applier = BatchApplier()

    /// Five queued changes of one node: a creation, then four edits.
    func queue() throws -> ([QueuedChange], Fixtures) {
        var f = Fixtures()
        let (create, state) = f.created()
        var changes = [create]
        var current = state
        for step in 1...4 {
            let edit = f.node.set([.description: .string("edit \(step)")], on: current, nowMillis: 1_000 + Int64(step))
            current = current.applying(edit)
            changes.append(edit)
        }
        return (changes.enumerated().map { QueuedChange(seq: Int64($0.offset + 1), change: $0.element) }, f)
    }

    @Test("a replayed or overlapping batch applies each change once")
    func exactlyOnce() throws {
        let (queued, f) = try queue()
        let first = applier.plan(PushRequest(changes: Array(queued[0..<3])), from: f.nodePrincipal, highWater: 0, current: [:], nowMillis: 0)
        #expect(first.ackedThrough == 3)
        #expect(first.applied == 3)
        let overlap = applier.plan(PushRequest(changes: Array(queued[1..<5])), from: f.nodePrincipal, highWater: 3,
                                   current: first.states, nowMillis: 0)
        #expect(overlap.skipped == 2)
        #expect(overlap.taken == [4, 5])
        #expect(overlap.applied == 2)
        #expect(overlap.ackedThrough == 5)
        let replay = applier.plan(PushRequest(changes: queued), from: f.nodePrincipal, highWater: 5,
                                  current: overlap.states, nowMillis: 0)
        #expect(replay.applied == 0)
        #expect(replay.skipped == 5)
        #expect(replay.taken.isEmpty)
        #expect(replay.ackedThrough == 5)
        #expect(overlap.states[Fixtures.reportID]?[.description] == .string("edit 4"))
    }

    @Test("a gap without rebase applies nothing and keeps the high-water mark")
    func gap() throws {
        let (queued, f) = try queue()
        let plan = applier.plan(PushRequest(changes: Array(queued[3...])), from: f.nodePrincipal, highWater: 1,
                                current: [:], nowMillis: 0)
        #expect(plan.gap)
        #expect(plan.ackedThrough == 1)
        #expect(plan.applied == 0)
    }

    @Test("one bad change is quarantined; the batch around it applies")
    func quarantine() throws {
        var (queued, f) = try queue()
        var bad = queued[2].change
        bad.fields = [.description: Register(value: .string(String(repeating: "x", count: 501)), stamp: bad.fields.values.first!.stamp)]
        queued[2] = QueuedChange(seq: 3, change: bad)
        let plan = applier.plan(PushRequest(changes: queued), from: f.nodePrincipal, highWater: 0, current: [:], nowMillis: 0)
        #expect(plan.ackedThrough == 5)
        #expect(plan.applied == 4)
        #expect(plan.rejections.map(\.seq) == [3])
        #expect(plan.rejections.first?.reason.code == "description_too_long")
        #expect(plan.states[Fixtures.reportID]?[.description] == .string("edit 4"))
    }

    @Test("a foreign garrison's batch is quarantined change by change, nothing applies")
    func foreign() throws {
        let (queued, f) = try queue()
        let plan = applier.plan(PushRequest(changes: queued), from: f.otherNode, highWater: 0, current: [:], nowMillis: 0)
        #expect(plan.applied == 0)
        #expect(plan.states.isEmpty)
        #expect(plan.rejections.count == 5)
        #expect(plan.rejections.allSatisfy { $0.reason.code == "cross_tenant" })
    }

    @Test("moving a report feeds both garrisons, the new one with the whole report")
    func move() throws {
        let (queued, f) = try queue()
        var national = f.national
        let pushed = applier.plan(PushRequest(changes: queued), from: f.nodePrincipal, highWater: 0, current: [:], nowMillis: 0)
        let state = try #require(pushed.states[Fixtures.reportID])
        let move = national.set([.garrison: .string("22")], on: state, nowMillis: 9_000)
        let plan = applier.plan(PushRequest(changes: [QueuedChange(seq: 1, change: move)]), from: f.nationalPrincipal,
                                highWater: 0, current: pushed.states, nowMillis: 0)
        #expect(plan.feed.map(\.garrison) == ["22", "20", "22"])
        #expect(plan.feed.last?.change.fields[.description]?.value == .string("edit 4"))
        #expect(plan.states[Fixtures.reportID]?.garrison == "22")
    }
}
