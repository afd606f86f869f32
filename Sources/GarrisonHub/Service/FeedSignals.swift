import Foundation
import ServiceLifecycle
import Synchronization

/// Wakes long-polling pulls when a garrison's feed grows (from LISTEN/NOTIFY). Each garrison has a
/// generation; a puller reads the generation, reads the feed, and if it found nothing waits for a newer
/// generation, so a commit between its read and its wait is never missed.
///
/// Every wait ends, and its continuation is resumed exactly once, whichever comes first: a newer generation,
/// the timeout, the waiting task's cancellation, graceful shutdown (so draining the listener never waits out a
/// long-poll), or `close()`. Each wait owns one slot from before it can be cancelled until it returns, so a
/// cancellation that races the wake-up finds the slot and never leaves a continuation parked, nor an entry behind.
public final class FeedSignals: Sendable {
    /// One wait's place.
    fileprivate enum Slot {
        /// Registered; its continuation is not parked yet.
        case pending(garrison: String)
        /// Parked until woken.
        case parked(garrison: String, continuation: CheckedContinuation<Void, Never>)
        /// Told to end before it parked: it returns as soon as it tries to park.
        case ended
    }

    private struct State {
        var generations: [String: UInt64] = [:]
        var slots: [UInt64: Slot] = [:]
        var nextID: UInt64 = 0
        var closed = false
    }

    private let state = Mutex(State())

    public init() {}

    deinit {
        // Nothing can be parked once no wait holds a reference, but a continuation must never be dropped unresumed.
        let parked = state.withLock { state in state.slots.values.compactMap(\.continuation) }
        parked.forEach { $0.resume() }
    }

    /// The garrison's current generation.
    public func generation(of garrison: String) -> UInt64 {
        state.withLock { $0.generations[garrison, default: 0] }
    }

    /// How many waits are parked now (operations and tests).
    public var parkedCount: Int {
        state.withLock { $0.slots.values.filter { $0.continuation != nil }.count }
    }

    /// Marks the garrison's feed grown and wakes its waiters.
    public func signal(_ garrison: String) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generations[garrison, default: 0] &+= 1
            return Self.take(from: &state) { $0 == garrison }
        }
        woken.forEach { $0.resume() }
    }

    /// Wakes everyone (after the notification connection was lost, when notifications may have been missed).
    public func signalAll() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            // Every garrison known or waited on moves on, so a wait not parked yet returns when it tries to.
            var garrisons = Set(state.generations.keys)
            for slot in state.slots.values {
                switch slot {
                case .pending(let garrison), .parked(let garrison, _): garrisons.insert(garrison)
                case .ended: break
                }
            }
            for garrison in garrisons { state.generations[garrison, default: 0] &+= 1 }
            return Self.take(from: &state) { _ in true }
        }
        woken.forEach { $0.resume() }
    }

    /// Ends every wait now and every later one at once: the hub is stopping, and a pull answers what it has.
    public func close() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            return Self.take(from: &state) { _ in true }
        }
        woken.forEach { $0.resume() }
    }

    /// Returns when the garrison's generation passes `generation`, after `timeout`, on cancellation, at graceful
    /// shutdown, or at `close()`.
    public func wait(for garrison: String, after generation: UInt64, timeout: Duration) async {
        let id = state.withLock { state -> UInt64 in
            state.nextID &+= 1
            state.slots[state.nextID] = .pending(garrison: garrison)
            return state.nextID
        }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await Task.sleep(for: timeout) }
                group.addTask { await self.park(id, garrison, after: generation) }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.end(id)
        }
        state.withLock { _ = $0.slots.removeValue(forKey: id) }
    }

    /// Parks wait `id` until something ends it.
    private func park(_ id: UInt64, _ garrison: String, after generation: UInt64) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    guard case .pending = state.slots[id], !state.closed,
                        state.generations[garrison, default: 0] <= generation
                    else {
                        state.slots[id] = .ended
                        return true
                    }
                    state.slots[id] = .parked(garrison: garrison, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.end(id)
        }
    }

    /// Ends wait `id`: resumes it if parked, or makes it return as soon as it tries to park.
    private func end(_ id: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            switch state.slots[id] {
            case .parked(_, let continuation):
                state.slots[id] = .ended
                return continuation
            case .pending:
                state.slots[id] = .ended
                return nil
            case .ended, nil:
                return nil
            }
        }
        continuation?.resume()
    }

    /// Takes the continuations of the parked waits whose garrison matches, leaving their slots ended.
    private static func take(from state: inout State, where matches: (String) -> Bool) -> [CheckedContinuation<Void, Never>] {
        var woken: [CheckedContinuation<Void, Never>] = []
        for (id, slot) in state.slots {
            guard case .parked(let garrison, let continuation) = slot, matches(garrison) else { continue }
            state.slots[id] = .ended
            woken.append(continuation)
        }
        return woken
    }
}

extension FeedSignals.Slot {
    fileprivate var continuation: CheckedContinuation<Void, Never>? {
        if case .parked(_, let continuation) = self { continuation } else { nil }
    }
}
