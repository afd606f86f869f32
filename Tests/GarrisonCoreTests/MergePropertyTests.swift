import GarrisonCore
import Testing

/// Merge laws over random histories (DESIGN §3): commutative, associative, idempotent, and replicas that see
/// the same changes in any order, with duplicates, end equal. Seeded, so a failure names its seed.
///
/// The loops yield now and then: they are long and CPU-bound, and the hub tests running beside them need the
/// same (two-thread) cooperative pool to start their servers.
@Suite("Merge properties")
struct MergePropertyTests {
    static let histories = 10_000

    @Test("replicas converge whatever the order and duplication of delivery")
    func convergence() async {
        var generator = HistoryGenerator(seed: 0x6A72_7269_736F_6E01)
        for seed in 0..<Self.histories {
            if seed % 50 == 0 { await Task.yield() }
            let history = generator.history(reports: 1 + seed % 3, steps: 8 + seed % 24)
            let reference = HistoryGenerator.replay(history)
            for _ in 0..<3 {
                let replica = HistoryGenerator.replay(generator.delivery(of: history))
                guard replica == reference else {
                    Issue.record("history \(seed): a replica diverged from the in-order replay")
                    return
                }
            }
        }
    }

    @Test("state merge is commutative, associative and idempotent")
    func laws() async {
        var generator = HistoryGenerator(seed: 42)
        for seed in 0..<Self.histories {
            if seed % 50 == 0 { await Task.yield() }
            let history = generator.history(reports: 1, steps: 6 + seed % 18)
            // Three replicas that each saw a random part of the history.
            let parts = (0..<3).map { _ in history.filter { _ in generator.chance(0.5) } }
            let states = parts.map { HistoryGenerator.replay($0)["r0"] ?? ReportState(reportID: "r0") }
            let (a, b, c) = (states[0], states[1], states[2])
            #expect(a.merged(with: b) == b.merged(with: a), "commutative, history \(seed)")
            #expect(a.merged(with: b).merged(with: c) == a.merged(with: b.merged(with: c)), "associative, history \(seed)")
            #expect(a.merged(with: a) == a, "idempotent, history \(seed)")
            #expect(a.merged(with: b).merged(with: b) == a.merged(with: b), "absorbing, history \(seed)")
            if a.merged(with: b) != b.merged(with: a) { return }
        }
    }

    @Test("applying a change twice changes nothing the second time")
    func replayIsIdempotent() async {
        var generator = HistoryGenerator(seed: 7)
        for round in 0..<1_000 {
            if round % 50 == 0 { await Task.yield() }
            let history = generator.history()
            var replica: [String: ReportState] = [:]
            var seen = Set<String>()
            for change in history {
                let first = MergeEngine.apply(change, to: replica[change.reportID], nowMillis: 0)
                seen.formUnion(first.conflicts.map(\.id))
                let second = MergeEngine.apply(change, to: first.state, nowMillis: 0)
                #expect(second.state == first.state)
                #expect(!second.changed)
                // A replay may name a conflict again, but only one already recorded (same deterministic id).
                #expect(Set(second.conflicts.map(\.id)).isSubset(of: seen), "a replay makes no new conflict")
                replica[change.reportID] = first.state
            }
        }
    }
}
