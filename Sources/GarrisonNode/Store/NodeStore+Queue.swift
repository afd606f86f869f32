import Foundation
import GRDB
import GarrisonCore

/// A change waiting in the outbound queue.
public struct QueuedEntry: Sendable, Codable, Hashable {
    public let seq: Int64
    public let reportID: String
    public let queuedAtMillis: Int64

    private enum CodingKeys: String, CodingKey {
        case seq
        case reportID = "report_id"
        case queuedAtMillis = "queued_at"
    }
}

/// A change the sync worker set aside: the hub kept refusing it alone, so it left the queue for the rest to drain.
public struct SetAsideEntry: Sendable, Codable, Hashable {
    /// Its sequence in the queue when it was set aside.
    public let seq: Int64
    public let reportID: String
    public let queuedAtMillis: Int64
    public let setAsideAtMillis: Int64
    /// The hub's problem code of its last refusal (`malformed_json`, `stamp_in_future`, `http_503`, …).
    public let code: ProblemCode
    public let detail: String
    /// The HTTP status of that refusal.
    public let status: Int
    /// Pushes of it alone the hub refused in a row.
    public let attempts: Int

    private enum CodingKeys: String, CodingKey {
        case seq, code, detail, status, attempts
        case reportID = "report_id"
        case queuedAtMillis = "queued_at"
        case setAsideAtMillis = "set_aside_at"
    }
}

/// The queue at a glance (`garrison node queue list`).
public struct QueueListing: Sendable, Codable {
    /// Changes waiting for the hub's acknowledgement.
    public let depth: Int
    /// The first of them, oldest first.
    public let head: [QueuedEntry]
    /// Every change set aside, oldest first.
    public let setAside: [SetAsideEntry]

    private enum CodingKeys: String, CodingKey {
        case depth, head
        case setAside = "set_aside"
    }
}

/// One change by its sequence, queued or set aside, with its stored JSON (`garrison node queue show`).
public struct QueueItem: Sendable {
    public let seq: Int64
    public let reportID: String
    public let queuedAtMillis: Int64
    /// Why it was set aside; nil for a change still waiting in the queue.
    public let setAside: SetAsideEntry?
    /// The change exactly as stored and sent (it may be what the hub could not read).
    public let changeJSON: String
}

/// An entry of the queue's audit: what an operator or the sync worker did to a change outside the normal flow.
public struct QueueAuditEntry: Sendable, Codable, Hashable {
    public let at: Int64
    /// `set_aside`, `retry` or `drop`.
    public let action: String
    public let seq: Int64
    /// The new sequence of a change put back in the queue.
    public let newSeq: Int64?
    public let reportID: String
    public let actor: String
    public let detail: String

    private enum CodingKeys: String, CodingKey {
        case at, action, seq, actor, detail
        case newSeq = "new_seq"
        case reportID = "report_id"
    }
}

extension NodeStore {
    /// Whether `error` is SQLite's "database is locked": another process held the write lock past the busy
    /// timeout (10 s). Worth retrying; nothing was written.
    public static func isBusy(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
    }

    /// Carries out `.setAside` inside the effects' transaction: the queued change moves, whole, into `set_aside`
    /// with the hub's reason, and the move is audited. The queue row is deleted only once its copy is stored.
    static func setAside(_ aside: SetAsideChange, actor: String, nowMillis: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO set_aside (seq, report_id, queued_at, change, code, detail, http_status, attempts, set_aside_at)
                SELECT seq, report_id, queued_at, change, ?, ?, ?, ?, ? FROM outbox WHERE seq = ?
                ON CONFLICT (seq) DO NOTHING
                """,
            arguments: [aside.code, String(aside.detail.prefix(2_000)), aside.status, aside.attempts, nowMillis, aside.seq])
        guard db.changesCount > 0 else { return }
        try db.execute(sql: "DELETE FROM outbox WHERE seq = ?", arguments: [aside.seq])
        try audit(
            "set_aside", seq: aside.seq, newSeq: nil, actor: actor,
            detail: "refused \(aside.attempts) time(s) alone: \(aside.status) \(aside.code): \(aside.detail.prefix(500))",
            copyChange: false, nowMillis: nowMillis, db)
    }

    /// The queue's depth, its first `headLimit` changes and every change set aside (at most `setAsideLimit`).
    public func queueListing(headLimit: Int = 20, setAsideLimit: Int = 1_000) throws -> QueueListing {
        try pool.read { db in
            let head = try Row.fetchAll(
                db, sql: "SELECT seq, report_id, queued_at FROM outbox ORDER BY seq LIMIT ?", arguments: [headLimit]
            ).map { QueuedEntry(seq: $0["seq"], reportID: $0["report_id"], queuedAtMillis: $0["queued_at"]) }
            return QueueListing(
                depth: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0, head: head,
                setAside: try Self.setAsideEntries(limit: setAsideLimit, db))
        }
    }

    /// The changes set aside, oldest first (at most `limit`).
    public func setAsideChanges(limit: Int = 1_000) throws -> [SetAsideEntry] {
        try pool.read { db in try Self.setAsideEntries(limit: limit, db) }
    }

    /// How many changes are set aside and the problem code of the oldest (what the node tells the hub).
    public func setAsideSummary() throws -> (count: Int64, code: String?) {
        try pool.read { db in
            let count = try Int64.fetchOne(db, sql: "SELECT count(*) FROM set_aside") ?? 0
            let code = try String.fetchOne(db, sql: "SELECT code FROM set_aside ORDER BY seq LIMIT 1")
            return (count, code)
        }
    }

    /// The change `seq`, queued or set aside; nil when neither holds it.
    public func queueItem(seq: Int64) throws -> QueueItem? {
        try pool.read { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM set_aside WHERE seq = ?", arguments: [seq]) {
                return QueueItem(
                    seq: seq, reportID: row["report_id"], queuedAtMillis: row["queued_at"], setAside: Self.setAsideEntry(row),
                    changeJSON: row["change"])
            }
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE seq = ?", arguments: [seq]) else { return nil }
            return QueueItem(
                seq: seq, reportID: row["report_id"], queuedAtMillis: row["queued_at"], setAside: nil, changeJSON: row["change"])
        }
    }

    /// Puts the set-aside change `seq` back at the end of the queue under a new sequence, taken from the same
    /// counter as a unit's write in the same transaction, so the queue stays gap-free after it. Returns the new
    /// sequence, or nil when no change `seq` is set aside. A running daemon sees it within a second.
    public func retrySetAside(seq: Int64, actor: String, nowMillis: Int64) throws -> Int64? {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT report_id, change FROM set_aside WHERE seq = ?", arguments: [seq])
            else { return nil }
            let next = try Int64.fetchOne(db, sql: "SELECT next_seq FROM sync_state WHERE id = 1") ?? 1
            try db.execute(
                sql: "INSERT INTO outbox (seq, report_id, queued_at, change) VALUES (?, ?, ?, ?)",
                arguments: [next, row["report_id"] as String, nowMillis, row["change"] as String])
            try db.execute(sql: "UPDATE sync_state SET next_seq = ? WHERE id = 1", arguments: [next + 1])
            try Self.audit(
                "retry", seq: seq, newSeq: next, actor: actor, detail: "put back in the queue as \(next)", copyChange: false,
                nowMillis: nowMillis, db)
            try db.execute(sql: "DELETE FROM set_aside WHERE seq = ?", arguments: [seq])
            return next
        }
    }

    /// Deletes the set-aside change `seq` for good: the only way a set-aside change is ever deleted. The audit
    /// keeps who dropped it, when, why and the change itself. Returns what was dropped, or nil when no change
    /// `seq` is set aside.
    public func dropSetAside(seq: Int64, actor: String, reason: String, nowMillis: Int64) throws -> SetAsideEntry? {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM set_aside WHERE seq = ?", arguments: [seq]) else {
                return nil
            }
            let entry = Self.setAsideEntry(row)
            try Self.audit(
                "drop", seq: seq, newSeq: nil, actor: actor, detail: "\(reason) (it was set aside for \(entry.code): \(entry.detail))",
                copyChange: true, nowMillis: nowMillis, db)
            try db.execute(sql: "DELETE FROM set_aside WHERE seq = ?", arguments: [seq])
            return entry
        }
    }

    /// The queue's audit, newest first.
    public func queueAudit(limit: Int = 100) throws -> [QueueAuditEntry] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT at, action, seq, new_seq, report_id, actor, detail FROM queue_audit ORDER BY id DESC LIMIT ?",
                arguments: [limit]
            ).map {
                QueueAuditEntry(
                    at: $0["at"], action: $0["action"], seq: $0["seq"], newSeq: $0["new_seq"], reportID: $0["report_id"],
                    actor: $0["actor"], detail: $0["detail"])
            }
        }
    }

    /// Records an action on change `seq` (set aside or queued) with its report; `copyChange` keeps the change too.
    private static func audit(
        _ action: String, seq: Int64, newSeq: Int64?, actor: String, detail: String, copyChange: Bool, nowMillis: Int64,
        _ db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO queue_audit (at, action, seq, new_seq, report_id, actor, detail, change)
                SELECT ?, ?, ?, ?, report_id, ?, ?, CASE WHEN ? THEN change END FROM set_aside WHERE seq = ?
                """,
            arguments: [nowMillis, action, seq, newSeq, actor, detail, copyChange, seq])
    }

    private static func setAsideEntries(limit: Int, _ db: Database) throws -> [SetAsideEntry] {
        try Row.fetchAll(db, sql: "SELECT * FROM set_aside ORDER BY seq LIMIT ?", arguments: [limit]).map(setAsideEntry)
    }

    private static func setAsideEntry(_ row: Row) -> SetAsideEntry {
        SetAsideEntry(
            seq: row["seq"], reportID: row["report_id"], queuedAtMillis: row["queued_at"], setAsideAtMillis: row["set_aside_at"],
            code: row["code"], detail: row["detail"], status: row["http_status"], attempts: row["attempts"])
    }
}
