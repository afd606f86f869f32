import Foundation
import GarrisonHub
import Logging
import ServiceLifecycle
import Testing

/// Every wait of `FeedSignals` ends, and none stays parked: woken, timed out, cancelled, at graceful shutdown
/// or at `close()`, in any race between them.
struct FeedSignalsTests {
    @Test("a signal wakes the garrison's waiter, not another garrison's")
    func signalWakes() async throws {
        let signals = FeedSignals()
        let woken = Task { await signals.wait(for: "20", after: signals.generation(of: "20"), timeout: .seconds(120)) }
        let other = Task { await signals.wait(for: "22", after: signals.generation(of: "22"), timeout: .seconds(120)) }
        try await waitUntil { signals.parkedCount == 2 }
        let start = ContinuousClock.now
        signals.signal("20")
        await woken.value
        #expect(ContinuousClock.now - start < .seconds(60))  // against its 120 s timeout (wide: a loaded machine)
        #expect(signals.parkedCount == 1)  // garrison 22's waiter still waits
        signals.signal("22")
        await other.value
        #expect(signals.parkedCount == 0)
    }

    @Test("cancelling the waiting task ends the wait at once")
    func cancellationEnds() async throws {
        let signals = FeedSignals()
        let task = Task { await signals.wait(for: "20", after: 0, timeout: .seconds(60)) }
        try await waitUntil { signals.parkedCount == 1 }
        let start = ContinuousClock.now
        task.cancel()
        await task.value
        #expect(ContinuousClock.now - start < .seconds(30))  // against the wait's 60 s timeout (wide: a loaded machine)
        #expect(signals.parkedCount == 0)
    }

    @Test("close() ends parked waits and every later one at once")
    func closeEnds() async throws {
        let signals = FeedSignals()
        let task = Task { await signals.wait(for: "20", after: 0, timeout: .seconds(30)) }
        try await waitUntil { signals.parkedCount == 1 }
        signals.close()
        await task.value
        let start = ContinuousClock.now
        await signals.wait(for: "20", after: signals.generation(of: "20"), timeout: .seconds(30))
        #expect(ContinuousClock.now - start < .seconds(30))  // against the wait's 60 s timeout (wide: a loaded machine)
        #expect(signals.parkedCount == 0)
    }

    @Test("graceful shutdown of the service group ends a wait inside it")
    func gracefulShutdownEnds() async throws {
        let signals = FeedSignals()
        let waiter = Waiter(signals: signals)
        let group = ServiceGroup(configuration: .init(services: [waiter], logger: Logger(label: "test")))
        let run = Task { try await group.run() }
        try await waitUntil { signals.parkedCount == 1 }
        let start = ContinuousClock.now
        await group.triggerGracefulShutdown()
        try await run.value
        #expect(ContinuousClock.now - start < .seconds(30))  // against the wait's 60 s timeout (wide: a loaded machine)
        #expect(signals.parkedCount == 0)
    }

    @Test("500 waits racing signals, timeouts and cancellations all end, none left parked")
    func racesLeaveNothing() async throws {
        let signals = FeedSignals()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<500 {
                let garrison = ["20", "22", "KSP"][index % 3]
                let task = Task { await signals.wait(for: garrison, after: signals.generation(of: garrison), timeout: .milliseconds(Int64(index % 7) * 20)) }
                group.addTask {
                    if index % 5 == 0 { task.cancel() }
                    await task.value
                }
                if index % 11 == 0 { signals.signal(garrison) }
                if index % 97 == 0 { signals.signalAll() }
            }
        }
        #expect(signals.parkedCount == 0)
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// A service that long-polls until its wait ends.
private struct Waiter: Service {
    let signals: FeedSignals

    func run() async throws {
        await signals.wait(for: "20", after: signals.generation(of: "20"), timeout: .seconds(60))
    }
}
