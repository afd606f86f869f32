import Synchronization

/// A database call outlasted the store's call deadline and was abandoned (answered 503 `database_timeout`).
public struct DatabaseDeadline: Error, CustomStringConvertible, Sendable {
    public let deadline: Duration
    public var description: String { "the database call did not end within \(deadline) and was abandoned" }
}

/// Ends every wait on the database at a deadline, even one that never completes.
///
/// A task group cannot do that: it returns only once every child has, and some futures of postgres-nio 1.33 never
/// complete (a query written with `promise: nil` on a connection the server just closed, vapor/postgres-nio#487).
/// So the call runs in a task of its own, and the caller waits on whichever comes first, the call's result, the
/// deadline or the caller's own cancellation. At the deadline the call is cancelled and left behind: a call that
/// honours cancellation ends at once; one stuck in such a future holds its task and its connection, but no
/// longer the request, the lane of the node that sent it, or the hub's shutdown. Calls abandoned at their deadline
/// are counted (`abandoned`, shown as `garrison_hub_database_calls_abandoned`).
enum DatabaseCallDeadline {
    /// Calls abandoned at their deadline since the process started.
    static let abandoned = Atomic<Int>(0)

    /// Runs `call`; at `deadline` (nil: none, only the caller's cancellation ends the wait) throws `DatabaseDeadline`.
    static func run<Result: Sendable>(
        _ deadline: Duration?, _ call: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let race = Race<Result>()
        let work = Task {
            do {
                race.finish(.success(try await call()))
            } catch {
                race.finish(.failure(error))
            }
        }
        let timer = deadline.map { deadline in
            Task {
                try? await Task.sleep(for: deadline)
                guard !Task.isCancelled else { return }
                if race.finish(.failure(DatabaseDeadline(deadline: deadline))) { abandon(work) }
            }
        }
        defer { timer?.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in race.wait(continuation) }
        } onCancel: {
            // The caller gave up (its request was cancelled, the hub is stopping): the call is told to as well.
            if race.finish(.failure(CancellationError())) { work.cancel() }
        }
    }

    private static func abandon(_ work: Task<Void, Never>) {
        abandoned.add(1, ordering: .relaxed)
        work.cancel()
    }

    /// The first outcome wins; the waiting continuation is resumed exactly once, whether it arrives before or after.
    private final class Race<Result: Sendable>: Sendable {
        private enum State {
            case pending
            case waiting(CheckedContinuation<Result, any Error>)
            case finished(Swift.Result<Result, any Error>)
            case delivered
        }

        private let state = Mutex<State>(.pending)

        /// Records `outcome` if none came first; true when it won.
        @discardableResult
        func finish(_ outcome: Swift.Result<Result, any Error>) -> Bool {
            let (won, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Result, any Error>?) in
                switch state {
                case .pending:
                    state = .finished(outcome)  // delivered by wait(_:)
                    return (true, nil)
                case .waiting(let continuation):
                    state = .delivered
                    return (true, continuation)
                case .finished, .delivered:
                    return (false, nil)
                }
            }
            waiter?.resume(with: outcome)  // outside the lock
            return won
        }

        func wait(_ continuation: CheckedContinuation<Result, any Error>) {
            let outcome: Swift.Result<Result, any Error>? = state.withLock { state in
                switch state {
                case .pending:
                    state = .waiting(continuation)
                    return nil
                case .finished(let outcome):
                    state = .delivered
                    return outcome
                case .waiting, .delivered:
                    preconditionFailure("a deadline race is waited on once")
                }
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }
}
