import Foundation
import GRDB
import GarrisonCore

extension NodeStore {
    /// The national role links report `id` as a duplicate of `original` (nil unlinks it), durably and queued for
    /// the hub. Both sides are written in one transaction: the duplicate's `duplicate_of`, and the `duplicated_by`
    /// list of the original it now points to (and of the one it pointed to before), so that the garrisons of both
    /// reports see the link. No report is deleted. Returns the duplicate's write.
    public func linkDuplicate(
        _ id: String, of original: String?, author: String, nowMillis: Int64, idempotency: IdempotentRequest? = nil
    ) throws -> LocalWrite {
        try write { db in
            if let idempotency, let earlier = try replay(idempotency, db) { return earlier }
            guard let duplicate = try currentState(id, db) else { throw LocalWriteError.notFound(id) }
            if let original, try currentState(original, db) == nil { throw LocalWriteError.notFound(original) }
            let write = try link(duplicate, to: original, author: author, nowMillis: nowMillis, db)
            try saveClock(db)
            if let idempotency { try remember(idempotency, write: write, nowMillis: nowMillis, db) }
            return write
        }
    }

    /// Writes the link inside the caller's transaction (the duplicate matcher's too) and returns the duplicate's
    /// write; the last queued sequence is `sync_state.next_seq − 1` afterwards.
    func link(_ duplicate: ReportState, to original: String?, author: String, nowMillis: Int64, _ db: Database) throws -> LocalWrite {
        let previous = duplicate[.duplicateOf]?.stringValue
        var seq = try Int64.fetchOne(db, sql: "SELECT next_seq FROM sync_state WHERE id = 1") ?? 1
        func queueSet(_ fields: [ReportField: FieldValue], on state: ReportState) throws -> LocalWrite {
            let change = writer.withLock { $0.set(fields, on: state, nowMillis: nowMillis) }
            let stored = try queue(change, current: state, seq: seq, author: author, nowMillis: nowMillis, db)
            defer { seq += 1 }
            return LocalWrite(state: stored, seq: seq)
        }
        let written = try queueSet([.duplicateOf: original.map(FieldValue.string) ?? .null], on: duplicate)
        // The back-references: off the report it no longer duplicates, onto the one it now duplicates.
        for (target, adding) in [(previous, false), (original, true)] where target != nil && previous != original {
            guard let target, let state = try currentState(target, db) else { continue }
            var ids = Set(state[.duplicatedBy]?.stringList ?? [])
            if adding { ids.insert(duplicate.reportID) } else { ids.remove(duplicate.reportID) }
            _ = try queueSet([.duplicatedBy: .array(ids.sorted().map(FieldValue.string))], on: state)
        }
        try db.execute(sql: "UPDATE sync_state SET next_seq = ? WHERE id = 1", arguments: [seq])
        return written
    }
}
