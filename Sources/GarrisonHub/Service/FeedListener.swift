import Synchronization
import Logging
import PostgresNIO
import ServiceLifecycle

/// Listens on `garrison_feed` (notified at each feed commit) and signals the waiting pulls; reconnects with
/// backoff, and wakes every puller after a reconnect since notifications may have been missed meanwhile.
struct FeedListener: Service {
    let client: PostgresClient
    let signals: FeedSignals
    let store: HubStore
    let logger: Logger

    func run() async throws {
        // Everything here, the wait for a connection from the pool included, ends when a graceful shutdown
        // begins: postgres-nio does not end a lease wait on its own (vapor/postgres-nio#599), and while this
        // service runs the pool, which is shut down after it, cannot stop; with the database down the hub would
        // ignore SIGTERM until it came back.
        try await cancelWhenGracefulShutdown { try await listen() }
    }

    private func listen() async throws {
        var delay = Duration.milliseconds(100)
        while !Task.isCancelledOrShuttingDown {
            do {
                // A lease stuck in a future that never completes must not hold the shutdown either.
                let listening = Listening()
                defer { if listening.began.load(ordering: .relaxed) { delay = .milliseconds(100) } }
                try await DatabaseCallDeadline.run(nil) { [client, signals, store] in
                    try await client.withConnection { connection in
                        try await connection.listen(on: "garrison_feed") { notifications in
                            listening.began.store(true, ordering: .relaxed)
                            signals.signalAll()
                            _ = try? await store.refreshIdentity()
                            for try await notification in notifications {
                                signals.signal(notification.payload)
                            }
                        }
                    }
                }
            } catch {
                guard !Task.isCancelledOrShuttingDown else { return }
                logger.warning("feed notifications lost; reconnecting", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }
}

/// Whether an attempt got as far as listening (then the next one starts again from the shortest delay).
private final class Listening: Sendable {
    let began = Atomic<Bool>(false)
}

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
