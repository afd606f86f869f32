import Foundation
import Synchronization

/// Wakes long-polling pulls when a garrison's feed grows (from LISTEN/NOTIFY). Each garrison has a
/// generation; a puller reads the generation, reads the feed, and if it found nothing waits for a newer
/// generation, so a commit between its read and its wait is never missed.
public final class FeedSignals: Sendable {
    private struct Waiter {
        let garrison: String
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var generations: [String: UInt64] = [:]
        var waiters: [UUID: Waiter] = [:]
        var cancelled: Set<UUID> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// The garrison's current generation.
    public func generation(of garrison: String) -> UInt64 {
        state.withLock { $0.generations[garrison, default: 0] }
    }

    /// Marks the garrison's feed grown and wakes its waiters.
    public func signal(_ garrison: String) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generations[garrison, default: 0] &+= 1
            let ids = state.waiters.filter { $0.value.garrison == garrison }.map(\.key)
            return ids.compactMap { state.waiters.removeValue(forKey: $0)?.continuation }
        }
        woken.forEach { $0.resume() }
    }

    /// Wakes everyone (after the notification connection was lost, when notifications may have been missed).
    public func signalAll() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            for key in state.generations.keys { state.generations[key]! &+= 1 }
            for waiter in state.waiters.values { state.generations[waiter.garrison, default: 0] &+= 1 }
            defer { state.waiters.removeAll() }
            return state.waiters.values.map(\.continuation)
        }
        woken.forEach { $0.resume() }
    }

    /// Returns when the garrison's generation passes `generation`, after `timeout`, or on cancellation.
    public func wait(for garrison: String, after generation: UInt64, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.waitForSignal(garrison, after: generation) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal(_ garrison: String, after generation: UInt64) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.cancelled.remove(id) != nil || state.generations[garrison, default: 0] > generation {
                        return true
                    }
                    state.waiters[id] = Waiter(garrison: garrison, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter.continuation }
                state.cancelled.insert(id)
                return nil
            }
            continuation?.resume()
        }
    }
}
