import Foundation
import GRDB
import GarrisonCore
import Synchronization

/// The node's durable store (DESIGN §5): SQLite through a GRDB `DatabasePool` in WAL mode with
/// `synchronous=FULL`, so a transaction that returned is on disk. A unit's write, its history entry and its
/// queued change commit in one transaction; so do an acknowledgement and the queue deletion, and a pulled page
/// and the cursor.
public final class NodeStore: Sendable {
    /// Who this node is at the hub (from its certificate): the garrison it serves and its HLC site.
    public let principal: Principal
    let pool: DatabasePool
    /// Validates local changes as the hub will; replaced when a new catalogue version arrives.
    private let currentValidator: Mutex<ChangeValidator>
    /// The node's clock and change maker; used only inside write transactions, which SQLite serialises.
    let writer: Mutex<ReportWriter>
    let cache = StateCache()
    /// The national node links cross-border duplicates as pulled reports arrive; nil elsewhere.
    let duplicateRule: DuplicateRule?
    /// Every pulled change's hub-commit-to-apply delay, when a benchmark asked for them (nil: not kept).
    let lagSamples = Mutex<[Int64]?>(nil)

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    public init(
        path: String, principal: Principal, validator: ChangeValidator = ChangeValidator(), duplicateRule: DuplicateRule? = nil
    ) throws {
        self.principal = principal
        self.currentValidator = Mutex(validator)
        self.duplicateRule = principal.role == .national ? duplicateRule : nil
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "garrison.node"
        do {
            // The store holds the units' token hashes and every report: readable by the service's group at most.
            if path != ":memory:" { try ServiceFiles.create(path, mode: 0o640) }
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw NodeStoreError("cannot open the node database at \(path): \(error)")
        }
        // GRDB sets synchronous=NORMAL when it switches the pool to WAL; NORMAL may lose the last transactions on
        // power loss, and a write acknowledged to a unit must survive that. Only the writer connection writes.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try NodeSchema.migrator.migrate(pool)
        let stored = try pool.read { db in try String.fetchAll(db, sql: "SELECT json FROM catalogue ORDER BY version") }
        let decoder = JSONDecoder()
        let catalogues = try stored.map { try decoder.decode(CategoryCatalogue.self, from: Data($0.utf8)) }
        var clock = HybridClock(site: principal.site)
        if let text = try pool.read({ db in try String.fetchOne(db, sql: "SELECT clock FROM sync_state") }),
            let last = HLC(text)
        {
            // Never stamp below what this site already stamped, even if the wall clock went back over a restart.
            clock.observe(HLC(wallMillis: last.wallMillis, counter: last.counter, site: principal.site), physicalMillis: 0)
        }
        writer = Mutex(ReportWriter(clock: clock))
        if !catalogues.isEmpty { useCatalogues(catalogues) }
    }

    /// The rules local changes are checked with (the hub's own).
    var validator: ChangeValidator { currentValidator.withLock { $0 } }

    /// Makes every local write's point be checked against these county boundaries (`validation.counties`).
    public func adopt(boundaries: CountyRouter) {
        currentValidator.withLock { $0 = $0.with(boundaries: boundaries) }
    }

    /// The newest category catalogue this node knows: new reports are made under it.
    public var latestCatalogue: CategoryCatalogue {
        currentValidator.withLock { $0.catalogues.values.max { $0.version < $1.version } } ?? .standard
    }

    /// Stores catalogue versions read from the hub and checks local changes against them from now on.
    public func adopt(_ catalogues: [CategoryCatalogue]) throws {
        let encoder = JSONEncoder()
        try pool.write { db in
            for catalogue in catalogues {
                try db.execute(
                    sql: "INSERT INTO catalogue (version, json) VALUES (?, ?) ON CONFLICT (version) DO NOTHING",
                    arguments: [catalogue.version, String(decoding: try encoder.encode(catalogue), as: UTF8.self)])
            }
        }
        useCatalogues(catalogues)
    }

    private func useCatalogues(_ catalogues: [CategoryCatalogue]) {
        currentValidator.withLock { validator in
            let known = Array(validator.catalogues.values) + catalogues
            let byVersion = Dictionary(known.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
            validator = validator.with(catalogues: Array(byVersion.values))
        }
    }

    /// The `synchronous` setting of the writing connection (2 = FULL).
    public func synchronousLevel() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The stored sync checkpoint the sync machine resumes from.
    public func checkpoint() throws -> SyncCheckpoint {
        try pool.read { db in try Self.checkpoint(db) }
    }

    static func checkpoint(_ db: Database) throws -> SyncCheckpoint {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sync_state WHERE id = 1") else {
            throw NodeStoreError("the sync_state row is missing: the database is damaged")
        }
        let hub: HubIdentity? = (row["hub_system_id"] as String?).map {
            HubIdentity(systemID: $0, timeline: row["hub_timeline"] ?? 0)
        }
        return SyncCheckpoint(
            lastAcked: row["last_acked"], queueHead: (row["next_seq"] as Int64) - 1, cursor: row["cursor"], hub: hub,
            needsRebase: row["needs_rebase"], cursorMark: row["cursor_mark"])
    }

    /// Writes the parts of `checkpoint` the sync machine owns (the queue head is the store's own).
    static func save(_ checkpoint: SyncCheckpoint, _ db: Database) throws {
        try db.execute(
            sql: """
                UPDATE sync_state SET last_acked = ?, cursor = ?, hub_system_id = ?, hub_timeline = ?, needs_rebase = ?,
                    cursor_mark = ?
                WHERE id = 1
                """,
            arguments: [
                checkpoint.lastAcked, checkpoint.cursor, checkpoint.hub?.systemID, checkpoint.hub?.timeline,
                checkpoint.needsRebase, checkpoint.cursorMark,
            ])
    }

    /// Remembers the clock's last stamp with the transaction that used it.
    func saveClock(_ db: Database) throws {
        let last = writer.withLock { $0.clock.last }
        try db.execute(sql: "UPDATE sync_state SET clock = ? WHERE id = 1", arguments: [last.description])
    }

    /// A write transaction; on any failure the state cache is emptied (it may hold what was rolled back).
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch {
            cache.clear()
            throw error
        }
    }

    // MARK: reports

    /// A report's state inside a write transaction, from the cache when this node wrote it recently.
    func currentState(_ id: String, _ db: Database) throws -> ReportState? {
        if let cached = cache.get(id) { return cached }
        return try Self.state(id, db)
    }

    /// Stores a state inside a write transaction and remembers it.
    func store(_ state: ReportState, nowMillis: Int64, _ db: Database) throws {
        try Self.save(state, nowMillis: nowMillis, db)
        cache.put(state)
    }

    /// The stored state of a report.
    static func state(_ id: String, _ db: Database) throws -> ReportState? {
        guard let text = try String.fetchOne(db, sql: "SELECT state FROM report WHERE id = ?", arguments: [id]) else {
            return nil
        }
        return try JSONDecoder().decode(ReportState.self, from: Data(text.utf8))
    }

    /// Stores a report's state with the columns units filter on, and moves the report in the statistics cells
    /// in the same transaction.
    static func save(_ state: ReportState, nowMillis: Int64, _ db: Database) throws {
        var cells = StatisticsCells.Delta()
        try save(state, nowMillis: nowMillis, db, cells: &cells)
        try cells.flush(db)
    }

    /// The one statement that writes a `report` row: the row's old and new statistics contributions go into
    /// `cells`, which the caller flushes before its transaction commits (a bulk load flushes once per batch).
    static func save(_ state: ReportState, nowMillis: Int64, _ db: Database, cells: inout StatisticsCells.Delta) throws {
        let old = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(StatisticsRow.columns) FROM report WHERE id = ?"), arguments: [state.reportID]
        ).map(StatisticsRow.init)
        cells.move(from: old, to: StatisticsRow(state))
        let json = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT INTO report (id, garrison, county, category, status, unit, created_at, read_at, verified_at,
                                    hidden, updated_at, state, lat, lon, duplicate_of)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    garrison = excluded.garrison, county = excluded.county, category = excluded.category,
                    status = excluded.status, unit = excluded.unit, created_at = excluded.created_at,
                    read_at = excluded.read_at, verified_at = excluded.verified_at, hidden = excluded.hidden,
                    updated_at = excluded.updated_at, state = excluded.state, lat = excluded.lat, lon = excluded.lon,
                    duplicate_of = excluded.duplicate_of
                """,
            arguments: [
                state.reportID, state.garrison?.rawValue ?? "", state[.county]?.stringValue, state[.category]?.intValue,
                state.status?.status.rawValue, state[.unit]?.stringValue, state[.createdAt]?.intValue,
                state[.readAt]?.intValue, state[.verifiedAt]?.intValue, state[.hidden]?.boolValue ?? false, nowMillis,
                json, state.location?.latitude, state.location?.longitude, state[.duplicateOf]?.stringValue,
            ])
    }

    /// Appends a change to a report's history.
    static func recordHistory(
        _ change: Change, source: String, author: String?, nowMillis: Int64, encoded: String? = nil, _ db: Database
    ) throws {
        let json = try encoded ?? String(decoding: JSONEncoder().encode(change), as: UTF8.self)
        try db.execute(
            sql: "INSERT INTO report_history (report_id, applied_at, source, author, change) VALUES (?, ?, ?, ?, ?)",
            arguments: [change.reportID, nowMillis, source, author, json])
    }

    /// Keeps a conflict the merge revealed (the same conflict seen twice is kept once).
    static func record(_ conflict: ConflictRecord, _ db: Database) throws {
        let json = String(decoding: try JSONEncoder().encode(conflict), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT INTO conflict (id, report_id, field, record, detected_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO NOTHING
                """,
            arguments: [conflict.id, conflict.reportID, conflict.field, json, conflict.detectedAtMillis])
    }
}

extension ReportState {
    /// The report's place, when it has one.
    var location: Coordinate? {
        guard case .object(let point)? = self[.location], let lat = point["lat"]?.doubleValue,
            let lon = point["lon"]?.doubleValue
        else { return nil }
        return Coordinate(latitude: lat, longitude: lon)
    }
}

/// A failure of the node's store that is not a unit's mistake (a damaged or unwritable database).
public struct NodeStoreError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
