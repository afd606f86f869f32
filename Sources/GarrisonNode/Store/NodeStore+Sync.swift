import Foundation
import GRDB
import GarrisonCore
import Synchronization

extension NodeStore {
    /// The push of queued changes from `fromSeq`, at most `limit` of them, as the JSON body of
    /// `POST /v1/sync/push`: the stored change JSON is sent as it is, never decoded and re-encoded.
    public func pushBody(fromSeq: Int64, limit: Int, rebase: Bool) throws -> Data {
        try pool.read { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT seq, change FROM outbox WHERE seq >= ? ORDER BY seq LIMIT ?", arguments: [fromSeq, limit])
            var json = Data(#"{"rebase":\#(rebase),"changes":["#.utf8)
            var count = 0
            while let row = try rows.next() {
                if count > 0 { json.append(UInt8(ascii: ",")) }
                json.append(contentsOf: #"{"seq":\#(row["seq"] as Int64),"change":"#.utf8)
                json.append(contentsOf: (row["change"] as String).utf8)
                json.append(UInt8(ascii: "}"))
                count += 1
            }
            json.append(contentsOf: "]}".utf8)
            return json
        }
    }

    /// What carrying out a batch of effects did, for the sync worker's status and metrics.
    public struct EffectReport: Sendable {
        /// Set when a re-sync re-queued the local state: the new queue head.
        public var resyncQueueHead: Int64?
        /// Pulled entries from other sites applied, with their hub-commit-to-apply delays in milliseconds.
        public var lagMillis: [Int64] = []
        /// Set when applying queued national writes of its own (cross-border duplicate links): the new queue head.
        public var queuedThrough: Int64?
    }

    /// Carries out the sync machine's effects and stores its checkpoint, all in one transaction. With `feed`, the
    /// machine is the national node's lane for that garrison's feed: its cursor is stored apart, and a re-sync
    /// only re-reads that feed (the node's own writes are re-queued by its push lane's machine).
    public func perform(
        _ effects: [SyncEffect], checkpoint: SyncCheckpoint, feed: GarrisonCode? = nil, nowMillis: Int64
    ) throws -> EffectReport {
        let effectReport = try write { db in
            var report = EffectReport()
            for effect in effects {
                switch effect {
                case .recordRejections(let rejections):
                    for rejection in rejections {
                        try db.execute(
                            sql: """
                                INSERT INTO rejection (seq, report_id, code, message, change, rejected_at)
                                SELECT seq, report_id, ?, ?, change, ? FROM outbox WHERE seq = ?
                                ON CONFLICT (seq) DO NOTHING
                                """,
                            arguments: [rejection.reason.code, rejection.reason.message, nowMillis, rejection.seq])
                    }
                case .deleteAcknowledged(let through):
                    try db.execute(sql: "DELETE FROM outbox WHERE seq <= ?", arguments: [through])
                case .applyPage(let entries, _):
                    try apply(entries, feed: feed, nowMillis: nowMillis, report: &report, db)
                case .keepUnreadable(let unreadable):
                    for entry in unreadable { try keepUnreadable(entry, feed: feed, nowMillis: nowMillis, db) }
                case .setAside(let aside):
                    try Self.setAside(aside, actor: "sync worker", nowMillis: nowMillis, db)
                case .adoptHub:
                    break  // the checkpoint saved below carries it
                case .resync:
                    report.resyncQueueHead = feed == nil ? try requeueOwnWrites(nowMillis: nowMillis, db) : 0
                }
            }
            if let feed {
                try Self.save(checkpoint, feed: feed, db)
            } else {
                try Self.save(checkpoint, db)
            }
            try saveClock(db)
            return report
        }
        if !effectReport.lagMillis.isEmpty {
            // Measured once committed: the delays run from the hub's commit to this commit.
            let committed = Int64(Date().timeIntervalSince1970 * 1000)
            lagSamples.withLock { samples in
                samples?.append(contentsOf: effectReport.lagMillis.map { $0 + max(0, committed - nowMillis) })
            }
        }
        return effectReport
    }

    /// Starts keeping every pulled change's delay from the hub's commit to its local commit (benchmarks).
    public func startLagSampling() { lagSamples.withLock { $0 = [] } }

    /// The delays kept since `startLagSampling`, in milliseconds; keeping goes on.
    public func takeLagSamples() -> [Int64] {
        lagSamples.withLock { samples in
            defer { if samples != nil { samples = [] } }
            return samples ?? []
        }
    }

    /// Merges pulled feed entries into the local replica with the shared merge.
    private func apply(
        _ entries: [FeedEntry], feed: GarrisonCode?, nowMillis: Int64, report: inout EffectReport, _ db: Database
    ) throws {
        for entry in entries {
            let change = entry.change
            writer.withLock { $0.observe(change, nowMillis: nowMillis) }
            // This node's own change coming back: it was merged here when the unit's write committed, and a
            // node's store never goes back in time under its node id (a node restored from a backup is enrolled
            // anew, with a new id: deploy/README.md), so merging it again could change nothing.
            if change.origin == principal.site { continue }
            do throws(ValidationError) {
                try validator.validateReplica(change, nowMillis: nowMillis)
            } catch {
                try refusePulled(entry, feed: feed, reason: error, nowMillis: nowMillis, db)
                continue
            }
            let current = try currentState(change.reportID, db)
            let outcome = MergeEngine.apply(change, to: current, nowMillis: nowMillis)
            for conflict in outcome.conflicts { try Self.record(conflict, db) }
            report.lagMillis.append(max(0, nowMillis - entry.committedAtMillis))
            guard outcome.changed else { continue }
            try store(outcome.state, nowMillis: nowMillis, db)
            try Self.recordHistory(change, source: "hub", author: nil, nowMillis: nowMillis, db)
            // A report new to this store (created, or first seen in a snapshot the node bootstrapped from).
            if current == nil, let rule = duplicateRule,
                let seq = try linkDuplicate(outcome.state, rule: rule, nowMillis: nowMillis, db)
            {
                report.queuedThrough = seq
            }
        }
    }

    /// Keeps a pulled change this replica refused, whole and with the reason, and says so in the log; the cursor
    /// moves on past it.
    private func refusePulled(
        _ entry: FeedEntry, feed: GarrisonCode?, reason: ValidationError, nowMillis: Int64, _ db: Database
    ) throws {
        let encoded = String(decoding: try JSONEncoder().encode(entry.change), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT INTO refused_pull (feed, position, report_id, code, message, change, refused_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                feed?.rawValue ?? principal.garrison?.rawValue ?? "", entry.position, String(entry.change.reportID.prefix(64)),
                reason.code, reason.description, encoded, nowMillis,
            ])
    }

    /// Keeps a pulled entry whose change could not be read, with the reason (`refused_pull`, code
    /// `malformed_change`); the cursor moves on past it with its page.
    private func keepUnreadable(_ entry: UnreadableFeedEntry, feed: GarrisonCode?, nowMillis: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO refused_pull (feed, position, report_id, code, message, change, refused_at)
                VALUES (?, ?, ?, ?, ?, '', ?)
                """,
            arguments: [
                feed?.rawValue ?? principal.garrison?.rawValue ?? "", entry.position, entry.reportID ?? "",
                ProblemCode.malformedChange, String(entry.reason.prefix(1_000)), nowMillis,
            ])
    }

    /// The national node: links a newly arrived report and the report of another garrison it duplicates (the
    /// later of the two gets `duplicate_of`), as a national write queued in the same transaction. Returns its
    /// sequence, or nil when nothing matched.
    private func linkDuplicate(_ state: ReportState, rule: DuplicateRule, nowMillis: Int64, _ db: Database) throws -> Int64? {
        guard let candidate = Self.candidate(state) else { return nil }
        // A box around the place bounds the search before the exact distance: 1° of latitude ≈ 111 km.
        let latitudeSpan = rule.distanceMeters / 111_000
        let longitudeSpan = latitudeSpan / max(0.2, cos(candidate.location.latitude * .pi / 180))
        let rows = try String.fetchAll(
            db,
            sql: """
                SELECT state FROM report
                WHERE category = ? AND created_at BETWEEN ? AND ? AND garrison <> ? AND id <> ?
                  AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?
                """,
            arguments: [
                candidate.category, candidate.createdMillis - rule.windowMillis, candidate.createdMillis + rule.windowMillis,
                candidate.garrison.rawValue, candidate.id, candidate.location.latitude - latitudeSpan,
                candidate.location.latitude + latitudeSpan, candidate.location.longitude - longitudeSpan,
                candidate.location.longitude + longitudeSpan,
            ])
        let decoder = JSONDecoder()
        let others = try rows.compactMap { Self.candidate(try decoder.decode(ReportState.self, from: Data($0.utf8))) }
        guard let pair = rule.link(candidate, among: others),
            let duplicate = try currentState(pair.duplicate.id, db), duplicate[.duplicateOf] == nil
        else { return nil }
        _ = try link(duplicate, to: pair.original.id, author: "national duplicate matcher", nowMillis: nowMillis, db)
        return try Int64.fetchOne(db, sql: "SELECT next_seq FROM sync_state WHERE id = 1").map { $0 - 1 }
    }

    private static func candidate(_ state: ReportState) -> DuplicateRule.Candidate? {
        guard let garrison = state.garrison, let category = state[.category]?.intValue, let location = state.location,
            let created = state[.createdAt]?.intValue
        else { return nil }
        return DuplicateRule.Candidate(
            id: state.reportID, garrison: garrison, category: Int(category), location: location, createdMillis: created)
    }

    /// The hub lost what it had acknowledged (restored from an older backup): replace the queue by this site's
    /// own writes that the local state still holds, one `.restore` change per report of this garrison, and
    /// return the new queue head. Other sites' writes come back from those sites (DESIGN §4).
    private func requeueOwnWrites(nowMillis: Int64, _ db: Database) throws -> Int64 {
        try db.execute(sql: "DELETE FROM outbox")
        var seq = try Int64.fetchOne(db, sql: "SELECT next_seq FROM sync_state WHERE id = 1") ?? 1
        let garrisonFilter = principal.garrison.map { _ in "WHERE garrison = ?" } ?? ""
        let arguments: StatementArguments = principal.garrison.map { [$0.rawValue] } ?? []
        let rows = try String.fetchAll(db, sql: "SELECT state FROM report \(garrisonFilter) ORDER BY id", arguments: arguments)
        let encoder = JSONEncoder()
        for text in rows {
            let state = try JSONDecoder().decode(ReportState.self, from: Data(text.utf8))
            let restore = Change(restoringWritesOf: state, by: principal.site)
            guard !restore.isEmpty else { continue }
            try db.execute(
                sql: "INSERT INTO outbox (seq, report_id, queued_at, change) VALUES (?, ?, ?, ?)",
                arguments: [seq, restore.reportID, nowMillis, String(decoding: try encoder.encode(restore), as: UTF8.self)])
            seq += 1
        }
        try db.execute(sql: "UPDATE sync_state SET next_seq = ? WHERE id = 1", arguments: [seq])
        return seq - 1
    }

    /// The stored checkpoint of the national node's lane for one garrison's feed (only its cursor and hub).
    public func feedCheckpoint(_ garrison: GarrisonCode) throws -> SyncCheckpoint {
        try pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT * FROM feed_cursor WHERE garrison = ?", arguments: [garrison.rawValue])
            return SyncCheckpoint(
                lastAcked: 0, queueHead: 0, cursor: row?["cursor"] ?? 0,
                hub: (row?["hub_system_id"] as String?).map { HubIdentity(systemID: $0, timeline: row?["hub_timeline"] ?? 0) },
                needsRebase: false, cursorMark: row?["cursor_mark"])
        }
    }

    static func save(_ checkpoint: SyncCheckpoint, feed: GarrisonCode, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO feed_cursor (garrison, cursor, hub_system_id, hub_timeline, cursor_mark) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (garrison) DO UPDATE SET
                    cursor = excluded.cursor, hub_system_id = excluded.hub_system_id, hub_timeline = excluded.hub_timeline,
                    cursor_mark = excluded.cursor_mark
                """,
            arguments: [feed.rawValue, checkpoint.cursor, checkpoint.hub?.systemID, checkpoint.hub?.timeline, checkpoint.cursorMark])
    }

    /// Replaces the stored checkpoint of one followed garrison's feed (after its re-read started).
    public func save(_ checkpoint: SyncCheckpoint, feed: GarrisonCode) throws {
        try pool.write { db in try Self.save(checkpoint, feed: feed, db) }
    }

    /// Replaces the stored checkpoint (after a re-sync completed).
    public func save(_ checkpoint: SyncCheckpoint) throws {
        try pool.write { db in try Self.save(checkpoint, db) }
    }
}
