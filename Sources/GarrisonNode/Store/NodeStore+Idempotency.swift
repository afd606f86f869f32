import Foundation
import GRDB

/// A unit's write sent with an `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): a retry of it, with
/// the same key and the same request, is answered from the first write instead of writing again; the same key
/// with another request is refused (422 `idempotency_key_reused`). Keys are each client's own (the unit token that
/// sent them) and kept for `IdempotentRequest.retentionMillis`.
public struct IdempotentRequest: Sendable, Hashable {
    /// The key as the client sent it.
    public let key: String
    /// SHA-256 of the method, the path and the body: what "the same request" means.
    public let fingerprint: String
    /// Whose key space it is in: the id of the token that sent it.
    public let client: String

    /// How long a key is remembered: a day, far longer than any client retries a lost answer.
    public static let retentionMillis: Int64 = 24 * 3_600_000

    public init(key: String, fingerprint: String, client: String) {
        self.key = key
        self.fingerprint = fingerprint
        self.client = client
    }
}

extension NodeStore {
    /// The write an earlier request with this key made, if any: its report's state now and the queued sequence.
    /// Throws `keyReused` when the key came with another request.
    func replay(_ request: IdempotentRequest, _ db: Database) throws -> LocalWrite? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT fingerprint, report_id, seq FROM idempotency_keys WHERE client = ? AND key = ?",
            arguments: [request.client, request.key])
        else { return nil }
        guard row["fingerprint"] as String == request.fingerprint else { throw LocalWriteError.keyReused(request.key) }
        let reportID: String = row["report_id"]
        guard let state = try currentState(reportID, db) else { throw LocalWriteError.notFound(reportID) }
        return LocalWrite(state: state, seq: row["seq"], replayed: true)
    }

    /// The earlier write of a retried request, read before a desk's own checks of the report's state (which the
    /// first write changed: a retried reassignment would otherwise be told the report is there already).
    func replayed(_ request: IdempotentRequest?) throws -> LocalWrite? {
        guard let request else { return nil }
        return try pool.read { db in try replay(request, db) }
    }

    /// Remembers the key with the write it made, inside the write's transaction, and forgets keys past retention.
    func remember(_ request: IdempotentRequest, write: LocalWrite, nowMillis: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO idempotency_keys (client, key, fingerprint, report_id, seq, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [request.client, request.key, request.fingerprint, write.state.reportID, write.seq, nowMillis])
        try db.execute(
            sql: "DELETE FROM idempotency_keys WHERE created_at < ?", arguments: [nowMillis - IdempotentRequest.retentionMillis])
    }
}
