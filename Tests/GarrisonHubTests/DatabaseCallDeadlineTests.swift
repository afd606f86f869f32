import Foundation
@testable import GarrisonHub
import Synchronization
import Testing

/// A database call's deadline ends the wait even when the call never completes and ignores cancellation, as a
/// postgres-nio future written with `promise: nil` does (vapor/postgres-nio#487): a task group would wait for it.
@Suite(.timeLimit(.minutes(2))) struct DatabaseCallDeadlineTests {
    /// A call that never ends by itself and ignores cancellation; `release()` lets it end (after the test).
    final class StuckCall: Sendable {
        private let waiter = Mutex<CheckedContinuation<Void, Never>?>(nil)
        private let released = Mutex(false)

        func run() async {
            await withCheckedContinuation { continuation in
                let now = released.withLock { $0 }
                if now { continuation.resume() } else { waiter.withLock { $0 = continuation } }
            }
        }

        func release() {
            released.withLock { $0 = true }
            waiter.withLock { $0.take() }?.resume()
        }
    }

    @Test("a stuck call ends at its deadline with DatabaseDeadline, and is counted")
    func stuckCallEndsAtTheDeadline() async throws {
        let stuck = StuckCall()
        defer { stuck.release() }
        let before = DatabaseCallDeadline.abandoned.load(ordering: .relaxed)
        let start = ContinuousClock.now
        await #expect(throws: DatabaseDeadline.self) {
            try await HubStore.within(.milliseconds(200)) { await stuck.run() }
        }
        // The stuck call never ends, so any finite bound proves the deadline ended the wait; the bound is wide
        // because the suites beside it load both cores (5 s was exceeded once on a 200 ms deadline in CI).
        #expect(ContinuousClock.now - start < .seconds(30))
        // Other suites in this process may abandon calls meanwhile (the hung-database test): at least this one.
        #expect(DatabaseCallDeadline.abandoned.load(ordering: .relaxed) >= before + 1)
    }

    @Test("the caller's cancellation ends the wait on a stuck call at once")
    func cancellationEndsTheWait() async throws {
        let stuck = StuckCall()
        defer { stuck.release() }
        let waiting = Task { try await HubStore.within(.seconds(3600)) { await stuck.run() } }
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        // As above: the deadline is an hour, so ending within 30 s under load shows the cancellation ended it.
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    @Test("a call that ends in time gives its result or its error, and its deadline never fires")
    func resultsAndErrorsPassThrough() async throws {
        struct Refused: Error {}
        #expect(try await HubStore.within(.seconds(5)) { 42 } == 42)
        await #expect(throws: Refused.self) { try await HubStore.within(.seconds(5)) { () async throws -> Int in throw Refused() } }
        let slowButInTime = try await HubStore.within(.seconds(5)) { () async throws -> String in
            try await Task.sleep(for: .milliseconds(50))
            return "done"
        }
        #expect(slowButInTime == "done")
    }
}
