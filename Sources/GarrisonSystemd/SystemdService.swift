import Foundation
import Logging
import ServiceLifecycle

/// Runs beside a daemon's services: `READY=1` once `ready` says it serves, then `STATUS=` every few seconds and
/// `WATCHDOG=1` while `healthy` holds (a stuck daemon stops pinging and systemd restarts it), `STOPPING=1` when
/// a graceful shutdown begins. Does nothing outside systemd.
public struct SystemdService: Service {
    let notifier: SystemdNotifier
    let ready: @Sendable () async -> Bool
    let status: @Sendable () async -> String
    let healthy: @Sendable () async -> Bool
    let logger: Logger

    public init(
        notifier: SystemdNotifier = SystemdNotifier(), logger: Logger, ready: @escaping @Sendable () async -> Bool,
        status: @escaping @Sendable () async -> String, healthy: @escaping @Sendable () async -> Bool
    ) {
        self.notifier = notifier
        self.logger = logger
        self.ready = ready
        self.status = status
        self.healthy = healthy
    }

    /// Append it last to a service group: it is then told of a graceful shutdown first, sends `STOPPING=1` and
    /// returns while the other services drain.
    public func run() async throws {
        guard notifier.isActive else {
            // Returning would end the whole group: wait for its shutdown instead.
            try? await gracefulShutdown()
            return
        }
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled, !(await ready()) { try await Task.sleep(for: .milliseconds(50)) }
            notifier.notify("READY=1\nSTATUS=\(await status())")
            logger.info("told systemd the daemon is ready")
            let interval = min(notifier.watchdogInterval ?? .seconds(5), .seconds(5))
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                var message = "STATUS=\(await status())"
                if notifier.watchdogInterval != nil {
                    if await healthy() {
                        message += "\nWATCHDOG=1"
                    } else {
                        logger.warning("unhealthy: not pinging the systemd watchdog")
                    }
                }
                notifier.notify(message)
            }
        }
        notifier.notify("STOPPING=1\nSTATUS=stopping")
    }
}
