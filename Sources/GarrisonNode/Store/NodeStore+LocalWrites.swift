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
}

/// A committed local write: the report's new state and the queued change's sequence.
public struct LocalWrite: Sendable {
    public let state: ReportState
    public let seq: Int64
}

extension NodeStore {
    /// Commits a unit's write: `make` builds the change from the current state with the node's clock; the change
    /// is checked with the hub's own authority and validation rules, merged, and stored together with its
    /// history entry and its queued change, in one durable transaction. Nothing is stored when any step fails.
    ///
    /// `reportID` nil with `make` returning a creation makes a new report.
    public func commitLocal(
        reportID: String, creating: Bool = false, author: String, nowMillis: Int64,
        _ make: (ReportState?, inout ReportWriter) throws(LocalWriteError) -> Change
    ) throws -> LocalWrite {
        try pool.write { db in
            let current = try Self.state(reportID, db)
            if creating, current != nil { throw LocalWriteError.exists(reportID) }
            if !creating {
                guard let current, current.garrison == principal.garrison || principal.garrison == nil else {
                    throw LocalWriteError.notFound(reportID)
                }
            }
            let change = try writer.withLock { writer throws(LocalWriteError) in try make(current, &writer) }
            if let reason = Authority.check(change, by: principal, current: current) {
                throw LocalWriteError.refused(reason)
            }
            do throws(ValidationError) {
                try validator.validate(change, current: current)
            } catch {
                throw LocalWriteError.invalid(error)
            }
            let outcome = MergeEngine.apply(change, to: current, nowMillis: nowMillis)
            try Self.save(outcome.state, nowMillis: nowMillis, db)
            let encoded = String(decoding: try JSONEncoder().encode(change), as: UTF8.self)
            try Self.recordHistory(change, source: "local", author: author, nowMillis: nowMillis, encoded: encoded, db)
            let seq = try Int64.fetchOne(db, sql: "SELECT next_seq FROM sync_state WHERE id = 1") ?? 1
            try db.execute(
                sql: "INSERT INTO outbox (seq, report_id, queued_at, change) VALUES (?, ?, ?, ?)",
                arguments: [seq, change.reportID, nowMillis, encoded])
            try db.execute(sql: "UPDATE sync_state SET next_seq = ? WHERE id = 1", arguments: [seq + 1])
            try saveClock(db)
            return LocalWrite(state: outcome.state, seq: seq)
        }
    }
}
