import Synchronization
import Testing

/// Stops an in-process daemon (hub or node) within a deadline, so a shutdown that hangs fails its test by name
/// instead of stalling the whole run (CI once ran out its 90 minutes on one silent wait).
public enum BoundedStop {
    /// Awaits `task` after a graceful shutdown was triggered: `grace` for it to end by itself, then it is
    /// cancelled and given `afterCancel` more. Records an issue naming `what` whenever it needed more than grace.
    public static func await(
        _ task: Task<Void, any Error>, _ what: String, grace: Duration = .seconds(30), afterCancel: Duration = .seconds(10)
    ) async {
        if await ended(task, within: grace) { return }
        task.cancel()
        let cancelled = await ended(task, within: afterCancel)
        // A warning, not a failure: the test's own expectations are checked either way, and the daemon itself is
        // forced down 5 s after its grace (ServiceLifecycle's cancellation deadline, set for `garrison hub|node`),
        // which the flood test proves on the real process. An in-process hub that outlives its cancellation under
        // heavy load is a known defect being chased (see the README's "Known limits"); before this bound it hung
        // the whole run silently.
        Issue.record(
            cancelled
                ? "\(what) did not stop within \(grace) of its graceful shutdown; it ended when cancelled"
                : "\(what) did not stop within \(grace) of its graceful shutdown, nor within \(afterCancel) of being cancelled (left running)",
            severity: .warning)
    }

    /// Whether `task` ends within `deadline`. Awaiting a task's result cannot be cancelled, so the wait for it runs
    /// in a task of its own that the deadline races (and leaks when the task never ends).
    public static func ended(_ task: Task<Void, any Error>, within deadline: Duration) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let once = Once(continuation)
            Task {
                _ = await task.result
                once.resume(true)
            }
            Task {
                try? await Task.sleep(for: deadline)
                once.resume(false)
            }
        }
    }
}

/// Resumes a continuation once, whoever comes first.
private final class Once: Sendable {
    private let continuation: Mutex<CheckedContinuation<Bool, Never>?>

    init(_ continuation: CheckedContinuation<Bool, Never>) { self.continuation = Mutex(continuation) }

    func resume(_ value: Bool) {
        let pending = continuation.withLock { pending in
            defer { pending = nil }
            return pending
        }
        pending?.resume(returning: value)
    }
}
