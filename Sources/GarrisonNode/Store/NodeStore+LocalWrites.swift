import Foundation
import GRDB
import GarrisonCore

/// Why a unit's write was refused before anything was stored.
public enum LocalWriteError: Error, Sendable {
    /// The report does not exist here (or belongs to another garrison now).
    case notFound(String)
    /// A report with this id exists already.
    case exists(String)
    /// The change breaks a content rule (DOMAIN.md): the hub would quarantine it, so it is never queued.
    case invalid(ValidationError)
    /// The change writes what this node may not write (DESIGN §3 authority).
    case refused(QuarantineReason)
    /// The `Idempotency-Key` came before with another request.
    case keyReused(String)
}

/// A committed local write: the report's new state and the queued change's sequence.
public struct LocalWrite: Sendable {
    public let state: ReportState
    public let seq: Int64
    /// True when this answers a retry from the write its `Idempotency-Key` made first (nothing was written now).
    public var replayed = false

    public init(state: ReportState, seq: Int64, replayed: Bool = false) {
        self.state = state
        self.seq = seq
        self.replayed = replayed
    }
}

extension NodeStore {
    /// Commits a unit's write: `make` builds the change from the current state with the node's clock; the change
    /// is checked with the hub's own authority and validation rules, merged, and stored together with its
    /// history entry and its queued change, in one durable transaction. Nothing is stored when any step fails.
    ///
    /// With `creating`, the change makes a new report `reportID` (refused when it exists). With `idempotency`, a
    /// retry of a request already written is answered from that write, in the same transaction as the check.
    public func commitLocal(
        reportID: String, creating: Bool = false, author: String, nowMillis: Int64,
        idempotency: IdempotentRequest? = nil,
        _ make: (ReportState?, inout ReportWriter) throws(LocalWriteError) -> Change
    ) throws -> LocalWrite {
        try write { db in
            if let idempotency, let earlier = try replay(idempotency, db) { return earlier }
            let current = try currentState(reportID, db)
            if creating, current != nil { throw LocalWriteError.exists(reportID) }
            if !creating {
                guard let current, current.garrison == principal.garrison || principal.garrison == nil else {
                    throw LocalWriteError.notFound(reportID)
                }
            }
            let change = try writer.withLock { writer throws(LocalWriteError) in try make(current, &writer) }
            let seq = try Int64.fetchOne(db, sql: "SELECT next_seq FROM sync_state WHERE id = 1") ?? 1
            let state = try queue(change, current: current, seq: seq, author: author, nowMillis: nowMillis, db)
            try db.execute(sql: "UPDATE sync_state SET next_seq = ? WHERE id = 1", arguments: [seq + 1])
            try saveClock(db)
            let written = LocalWrite(state: state, seq: seq)
            if let idempotency { try remember(idempotency, write: written, nowMillis: nowMillis, db) }
            return written
        }
    }
}

extension NodeStore {
    /// Imports changes made elsewhere under this node's site (records carried over from a police system, the
    /// benchmarks' offline queue) in one durable transaction: each is checked, merged, kept in the history and
    /// queued exactly as a unit's write. The first refused change aborts the whole import, which stores nothing.
    /// Returns the last queued sequence.
    @discardableResult
    public func importLocal(_ changes: [Change], author: String, nowMillis: Int64) throws -> Int64 {
        try write { db in
            var seq = try Int64.fetchOne(db, sql: "SELECT next_seq FROM sync_state WHERE id = 1") ?? 1
            for change in changes {
                writer.withLock { $0.observe(change, nowMillis: nowMillis) }
                _ = try queue(change, current: try currentState(change.reportID, db), seq: seq, author: author, nowMillis: nowMillis, db)
                seq += 1
            }
            try db.execute(sql: "UPDATE sync_state SET next_seq = ? WHERE id = 1", arguments: [seq])
            try saveClock(db)
            return seq - 1
        }
    }

    /// Checks a local change with the hub's own authority and validation rules (a change the hub would
    /// quarantine is never queued), merges it, and stores the state, the history entry and the queued change.
    func queue(
        _ change: Change, current: ReportState?, seq: Int64, author: String, nowMillis: Int64, _ db: Database
    ) throws -> ReportState {
        if let reason = Authority.check(change, by: principal, current: current) {
            throw LocalWriteError.refused(reason)
        }
        do throws(ValidationError) {
            try validator.validate(change, current: current, from: principal, nowMillis: nowMillis)
        } catch {
            throw LocalWriteError.invalid(error)
        }
        let outcome = MergeEngine.apply(change, to: current, nowMillis: nowMillis)
        try store(outcome.state, nowMillis: nowMillis, db)
        let encoded = String(decoding: try JSONEncoder().encode(change), as: UTF8.self)
        try Self.recordHistory(change, source: "local", author: author, nowMillis: nowMillis, encoded: encoded, db)
        try db.execute(
            sql: "INSERT INTO outbox (seq, report_id, queued_at, change) VALUES (?, ?, ?, ?)",
            arguments: [seq, change.reportID, nowMillis, encoded])
        return outcome.state
    }
}
