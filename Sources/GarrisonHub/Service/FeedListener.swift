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
        var delay = Duration.milliseconds(100)
        while !Task.isCancelledOrShuttingDown {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: "garrison_feed") { notifications in
                        delay = .milliseconds(100)
                        signals.signalAll()
                        _ = try? await store.refreshIdentity()
                        for try await notification in notifications.cancelOnGracefulShutdown() {
                            signals.signal(notification.payload)
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

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
