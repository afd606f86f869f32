import GarrisonCore
import Testing

@Suite("Merge rules: registers, status, sets, conflicts")
struct MergeRuleTests {
    @Test("last writer wins by stamp on a plain field")
    func lastWriterWins() throws {
        var f = Fixtures()
        let (_, state) = f.created()
        let early = f.node.set([.description: .string("early")], on: state, nowMillis: 2_000)
        let late = f.national.set([.description: .string("late")], on: state, nowMillis: 3_000)
        #expect(state.applying(early, late)[.description] == .string("late"))
        #expect(state.applying(late, early)[.description] == .string("late"))
    }

    @Test("a late Weryfikacja never overwrites a closed outcome of the same epoch")
    func statusRank() throws {
        var f = Fixtures()
        let (_, state) = f.created()
        let verifying = try f.node.moveStatus(of: state, to: .weryfikacja, nowMillis: 2_000)
        let v = state.applying(verifying)
        let confirmed = try f.node.moveStatus(of: v, to: .potwierdzone, nowMillis: 3_000)
        let eliminated = try f.node.moveStatus(of: v.applying(confirmed), to: .wyeliminowane, nowMillis: 4_000)
        // Another site, still seeing "Nowe", moves to Weryfikacja later in wall-clock time.
        var other = ReportWriter(clock: HybridClock(site: "node-20-b"))
        let lateVerification = try other.moveStatus(of: state, to: .weryfikacja, nowMillis: 9_000)
        let final = state.applying(verifying, confirmed, eliminated, lateVerification)
        #expect(final.status?.status == .wyeliminowane)
        #expect(state.applying(lateVerification, eliminated, confirmed, verifying).status?.status == .wyeliminowane)
    }

    @Test("a deliberate reopen wins over what it reopens, even with an older wall clock")
    func reopenWins() throws {
        var f = Fixtures()
        let (_, state) = f.created()
        let v = state.applying(try f.node.moveStatus(of: state, to: .weryfikacja, nowMillis: 2_000))
        let closed = v.applying(try f.node.moveStatus(of: v, to: .niepotwierdzone, nowMillis: 3_000))
        var coordinator = ReportWriter(clock: HybridClock(site: "node-20-b"))
        let reopen = try coordinator.moveStatus(of: closed, to: .weryfikacja, reopen: true, nowMillis: 1)
        // A concurrent closing write at a later wall time, epoch 0, loses to the reopen (epoch 1).
        var third = ReportWriter(clock: HybridClock(site: "node-20-c"))
        let concurrent = try third.moveStatus(of: v, to: .zartLubPomylka, nowMillis: 50_000)
        let final = closed.applying(concurrent, reopen)
        #expect(final.status?.status == .weryfikacja)
        #expect(final.status?.epoch == 1)
        #expect(closed.applying(reopen, concurrent) == final)
    }

    @Test("notes and confirmations are grow-only sets")
    func growOnly() {
        var f = Fixtures()
        let (_, state) = f.created()
        let a = f.node.addNote(id: "n1", author: "KMP-2061", text: "patrol", to: state, nowMillis: 2_000)
        let b = f.node.addNote(id: "n2", author: "KMP-2061", text: "again", to: state, nowMillis: 2_001)
        var confirm = Change(reportID: Fixtures.reportID, garrison: "20", origin: "hub-intake", kind: .update)
        confirm.confirmations = [Confirmation(id: "c1", atMillis: 5)]
        let final = state.applying(a, b, confirm, a)
        #expect(final.notes.keys.sorted() == ["n1", "n2"])
        #expect(final.confirmations.count == 1)
        #expect(state.applying(b, confirm, a) == final)
    }

    @Test("a tombstone is kept once set")
    func tombstone() {
        var f = Fixtures()
        let (_, state) = f.created()
        var delete = Change(reportID: Fixtures.reportID, garrison: "20", origin: "admin", kind: .update)
        delete.tombstone = HLC(wallMillis: 5_000, counter: 0, site: "admin")
        let edit = f.node.set([.description: .string("after")], on: state, nowMillis: 6_000)
        #expect(state.applying(delete, edit).isDeleted)
        #expect(state.applying(edit, delete).isDeleted)
    }

    @Test("concurrent writes with different values leave a conflict record naming both")
    func conflictRecorded() {
        var f = Fixtures()
        let (_, state) = f.created()
        let local = f.node.set([.category: .int(9)], on: state, nowMillis: 2_000)
        let national = f.national.set([.category: .int(17)], on: state, nowMillis: 2_500)
        let afterLocal = state.applying(local)
        let outcome = MergeEngine.apply(national, to: afterLocal, nowMillis: 3_000)
        let conflict = try! #require(outcome.conflicts.first)
        #expect(outcome.conflicts.count == 1)
        #expect(conflict.field == "category")
        #expect(conflict.winner.value == .int(17))
        #expect(conflict.winner.site == "national")
        #expect(conflict.loser.value == .int(9))
        #expect(conflict.loser.site == "node-20")
        #expect(conflict.rule == .lastWriterWins)
        // The other replica, which saw them the other way round, names the same conflict.
        let other = MergeEngine.apply(local, to: state.applying(national), nowMillis: 3_000)
        #expect(other.conflicts.map(\.id) == [conflict.id])
        #expect(other.conflicts.first?.winner == conflict.winner)
    }

    @Test("an overwrite made after seeing the value is not a conflict")
    func causalOverwrite() {
        var f = Fixtures()
        let (_, state) = f.created()
        let first = f.node.set([.category: .int(9)], on: state, nowMillis: 2_000)
        let seen = state.applying(first)
        f.national.observe(first, nowMillis: 2_100)
        let second = f.national.set([.category: .int(17)], on: seen, nowMillis: 2_100)
        #expect(MergeEngine.apply(second, to: seen, nowMillis: 0).conflicts.isEmpty)
        // Even where the later write arrives first, the earlier one it replaced is no conflict.
        #expect(MergeEngine.apply(first, to: state.applying(second), nowMillis: 0).conflicts.isEmpty)
    }

    @Test("concurrent status moves are recorded under the status rule")
    func statusConflict() throws {
        var f = Fixtures()
        let (_, state) = f.created()
        let v = state.applying(try f.node.moveStatus(of: state, to: .weryfikacja, nowMillis: 2_000))
        var other = ReportWriter(clock: HybridClock(site: "node-20-b"))
        let a = try f.node.moveStatus(of: v, to: .potwierdzone, nowMillis: 3_000)
        let b = try other.moveStatus(of: v, to: .niepotwierdzone, nowMillis: 3_100)
        let outcome = MergeEngine.apply(b, to: v.applying(a), nowMillis: 0)
        #expect(outcome.conflicts.map(\.rule) == [.statusRegister])
        #expect(outcome.state.status?.status == .niepotwierdzone)
    }

    @Test("the typed report view reads the merged state")
    func reportView() throws {
        var f = Fixtures()
        let (_, state) = f.created(at: 1_000)
        let v = state.applying(try f.node.moveStatus(of: state, to: .weryfikacja, nowMillis: 2_000))
        let report = try #require(Report(v))
        #expect(report.garrison == "20")
        #expect(report.county == CountyCode("2061"))
        #expect(report.unit == "KMP-2061")
        #expect(report.status == .weryfikacja)
        #expect(report.readAtMillis == 2_000)
        #expect(report.verifiedAtMillis == nil)
        #expect(report.missedDeadlines(at: 6 * 86_400_000) == [.verify])
        #expect(Report(ReportState(reportID: "x")) == nil)
    }
}
