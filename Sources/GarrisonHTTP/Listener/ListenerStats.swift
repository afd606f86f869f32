import Logging
import Synchronization

/// One listener's connection count and what happened to its connections: the cap on concurrent connections is
/// kept here, and the figures are read for `/metrics` and the logs.
public final class ListenerStats: Sendable {
    /// Why the server cut a connection.
    public enum Cut: String, Sendable, CaseIterable {
        /// Nothing sent between requests for `idleTimeout`.
        case idle
        /// A request head not complete within `headerTimeout`.
        case header
        /// A request body not complete within `bodyTimeout`.
        case body
    }

    /// The figures at one moment.
    public struct Snapshot: Sendable, Hashable {
        /// Open now.
        public var open: Int
        /// Accepted under the cap since start.
        public var accepted: Int
        /// Closed at once because the listener was at its cap.
        public var refused: Int
        /// Cut by a timeout, by cause.
        public var cut: [Cut: Int]
    }

    /// The listener's name in logs and metrics (`tls`, `intake`, …).
    public let name: String
    private let open = Atomic<Int>(0)
    private let accepted = Atomic<Int>(0)
    private let refused = Atomic<Int>(0)
    private let idleCuts = Atomic<Int>(0)
    private let headerCuts = Atomic<Int>(0)
    private let bodyCuts = Atomic<Int>(0)
    /// When a refusal was last logged and how many went unlogged since: a flood logs one line every
    /// `refusalLogInterval`, not one per connection.
    private let refusalLog = Mutex<(last: ContinuousClock.Instant?, unlogged: Int)>((last: nil, unlogged: 0))
    private let refusalLogInterval: Duration

    /// Figures for the listener `name`.
    public init(name: String, refusalLogInterval: Duration = .seconds(10)) {
        self.name = name
        self.refusalLogInterval = refusalLogInterval
    }

    /// The figures now.
    public var snapshot: Snapshot {
        Snapshot(
            open: open.load(ordering: .relaxed), accepted: accepted.load(ordering: .relaxed),
            refused: refused.load(ordering: .relaxed),
            cut: [
                .idle: idleCuts.load(ordering: .relaxed), .header: headerCuts.load(ordering: .relaxed),
                .body: bodyCuts.load(ordering: .relaxed),
            ])
    }

    /// Takes a place for a new connection, or says no when `limit` are open already.
    func admit(limit: Int) -> Bool {
        var current = open.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = open.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged {
                accepted.add(1, ordering: .relaxed)
                return true
            }
            current = original
        }
        return false
    }

    /// Gives back an admitted connection's place.
    func release() { open.subtract(1, ordering: .relaxed) }

    /// Counts a connection cut by a timeout.
    func count(_ cut: Cut) {
        switch cut {
        case .idle: idleCuts.add(1, ordering: .relaxed)
        case .header: headerCuts.add(1, ordering: .relaxed)
        case .body: bodyCuts.add(1, ordering: .relaxed)
        }
    }

    /// Counts a refused connection; logs a warning at most once per interval with the count since the last one.
    func refuse(limit: Int, logger: Logger) {
        refused.add(1, ordering: .relaxed)
        let now = ContinuousClock.now
        let report: Int? = refusalLog.withLock { log in
            log.unlogged += 1
            if let last = log.last, now - last < refusalLogInterval { return nil }
            defer { log = (last: now, unlogged: 0) }
            return log.unlogged
        }
        if let report {
            logger.warning("listener at its connection cap: new connections closed at once", metadata: [
                "listener": "\(name)", "max_connections": "\(limit)", "refused": "\(report)",
                "refused_total": "\(refused.load(ordering: .relaxed))",
            ])
        }
    }
}
