import Foundation
import GarrisonCore
import Logging
import PostgresNIO
import Synchronization

/// Whose rows a transaction sees: one garrison, or every garrison (national and admin roles). Row-level
/// security enforces it in PostgreSQL itself; the daemon only says which tenant a transaction runs as.
public enum Tenant: Hashable, Sendable, CustomStringConvertible {
    case garrison(GarrisonCode)
    case all

    /// The value of `garrison.tenant` for the transaction.
    var setting: String {
        switch self {
        case .garrison(let code): code.rawValue
        case .all: "*"
        }
    }

    public var description: String { setting }
}

/// The hub's PostgreSQL store: every query the daemon runs, as the application role, tenant per transaction.
public final class HubStore: Sendable {
    let client: PostgresClient
    /// The batch planner; replaced when a new catalogue version is published (its validator knows every version).
    private let currentApplier: Mutex<BatchApplier>
    let logger: Logger
    private let cachedIdentity = Mutex<HubIdentity?>(nil)
    /// The hub's own clock, for the writes it makes itself (an administrator's override).
    let clock: Mutex<HybridClock>

    /// The longest one database call may take, waiting for a pooled connection included (the statements' own
    /// deadline is the connections' `statement_timeout`; this bounds the wait for a connection, and a pool that
    /// has stopped).
    let callDeadline: Duration

    public init(client: PostgresClient, applier: BatchApplier = BatchApplier(), logger: Logger, callDeadline: Duration = .seconds(40)) {
        self.client = client
        self.callDeadline = callDeadline
        self.currentApplier = Mutex(applier)
        self.logger = logger
        self.clock = Mutex(HybridClock(site: applier.hubSite, maxForwardDriftMillis: applier.validator.maxClockSkewMillis))
    }

    /// The planner with the catalogues known now.
    var applier: BatchApplier { currentApplier.withLock { $0 } }

    /// Makes the planner validate against these catalogue versions.
    func adopt(_ catalogues: [CategoryCatalogue]) {
        currentApplier.withLock { applier in
            applier = BatchApplier(validator: applier.validator.with(catalogues: catalogues), hubSite: applier.hubSite)
        }
    }

    /// Makes the planner check every report's point against these county boundaries.
    func adopt(boundaries: CountyRouter) {
        currentApplier.withLock { applier in
            applier = BatchApplier(validator: applier.validator.with(boundaries: boundaries), hubSite: applier.hubSite)
        }
    }

    /// Runs `body` in one transaction as `tenant`, with `synchronous_commit = on` so that a commit is durable
    /// before anything is acknowledged (DESIGN §5). Retries a deadlock or serialisation failure a few times.
    func transaction<Result: Sendable>(
        as tenant: Tenant, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        var attempt = 0
        while true {
            attempt += 1
            do {
                do {
                    let (client, logger) = (self.client, self.logger)
                    return try await Self.within(callDeadline) {
                        try await client.withTransaction(logger: logger) { connection in
                            try await connection.query(
                                "SELECT set_config('garrison.tenant', \(tenant.setting), true), set_config('synchronous_commit', 'on', true)",
                                logger: logger)
                            return try await body(connection)
                        }
                    }
                } catch let error as PostgresTransactionError {
                    // Callers care about what failed, not that it failed inside a transaction.
                    throw error.closureError ?? error.commitError ?? error.beginError ?? error
                }
            } catch let error as PSQLError where attempt < 5 && Self.isRetryable(error) {
                logger.debug("transaction retried", metadata: ["sqlstate": "\(error.serverInfo?[.sqlState] ?? "")"])
                try await Task.sleep(for: .milliseconds(5 * attempt))
            }
        }
    }

    /// Runs `call` and returns its result, or throws `DatabaseDeadline` at `deadline` (see `DatabaseCallDeadline`).
    static func within<Result: Sendable>(
        _ deadline: Duration, _ call: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await DatabaseCallDeadline.run(deadline, call)
    }

    static func isRetryable(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }

    /// Who this hub is (DESIGN §4): the cluster's system identifier with the hub instance, and the timeline.
    public func identity() async throws -> HubIdentity {
        if let identity = cachedIdentity.withLock({ $0 }) { return identity }
        return try await refreshIdentity()
    }

    /// Reads the identity again (at start-up and when the database connection is re-established).
    @discardableResult
    public func refreshIdentity() async throws -> HubIdentity {
        let (client, logger) = (self.client, self.logger)
        let rows = try await Self.within(callDeadline) { try await client.query(
            """
            SELECT (SELECT instance_id::text FROM hub_instance LIMIT 1),
                   (SELECT system_identifier::text FROM pg_control_system()),
                   (SELECT timeline_id FROM pg_control_checkpoint())
            """, logger: logger) }
        var identity = HubIdentity(systemID: "unknown", timeline: 0)
        for try await (instance, system, timeline) in rows.decode((String?, String?, Int32?).self) {
            identity = HubIdentity(systemID: "\(system ?? "0")-\(instance ?? "none")", timeline: Int(timeline ?? 0))
        }
        cachedIdentity.withLock { $0 = identity }
        return identity
    }

    /// The highest migration applied, for `/readyz`.
    public func schemaVersion() async throws -> Int {
        do {
            let (client, logger) = (self.client, self.logger)
            let rows = try await Self.within(callDeadline) {
                try await client.query("SELECT COALESCE(max(version), 0) FROM schema_migrations", logger: logger)
            }
            for try await version in rows.decode(Int.self) { return version }
            return 0
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P01" {
            return 0  // no schema_migrations table: nothing was ever migrated
        }
    }
}

/// A store failure that is not a database error: configuration, or a state the caller must be told about.
public struct HubStoreError: Error, CustomStringConvertible, Sendable {
    public let description: String

    static func configuration(_ message: String) -> HubStoreError { HubStoreError(description: message) }
}
