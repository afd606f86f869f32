import GarrisonHTTP
import Foundation
import GarrisonCore
import Logging
import PostgresNIO

/// What a push did, for the answer, the logs and the metrics.
public struct PushResult: Sendable {
    public let ack: PushAck
    public let applied: Int
    public let skipped: Int
    public let conflicts: Int
    public let quarantined: Int
    /// The batch started past the high-water mark without `rebase`: nothing was applied.
    public let gap: Bool
}

/// A new report's id is already taken by a report the tenant cannot see: plan again with it unavailable.
private struct CreationCollision: Error {
    let ids: Set<String>
}

extension HubStore {
    /// `POST /v1/sync/push`: applies a node's batch in one transaction with its high-water mark (DESIGN §4–§5).
    ///
    /// Round trips per batch, whatever its size: tenant, node row (locks it: one push per node at a time),
    /// current states of every report in the batch (`= ANY`, locked), one write statement, one feed statement.
    ///
    /// `refused` names changes to quarantine as they are (unreadable ones). A batch the database refuses for its
    /// data (a value PostgreSQL will not store) is split until the refused change is found: that one is quarantined
    /// with the database's reason and the rest applies, so one bad change never blocks a garrison (DESIGN §3).
    public func push(
        _ request: PushRequest, from principal: Principal, refused: [Int64: QuarantineReason] = [:], nowMillis: Int64
    ) async throws -> PushResult {
        do {
            return try await pushWhole(request, from: principal, refused: refused, nowMillis: nowMillis)
        } catch let error as PSQLError where Self.isRefusalOfData(error) {
            let pending = request.changes.filter { refused[$0.seq] == nil }
            guard pending.count > 1 else {
                let reason = QuarantineReason(
                    code: .refusedByDatabase,
                    message: "the database refused the change (SQLSTATE \(error.serverInfo?[.sqlState] ?? "-")): "
                        + "\(error.serverInfo?[.message]?.prefix(300) ?? "no message")")
                logger.warning("change refused by the database; quarantined", metadata: [
                    "seq": "\(pending.first?.seq ?? -1)", "node": "\(principal.site)", "reason": "\(reason.message)",
                ])
                var refused = refused
                var changes = request.changes
                for (index, queued) in changes.enumerated() where queued.seq == pending.first?.seq {
                    refused[queued.seq] = reason
                    // Stored as an empty stand-in: the quarantine row must not hold what the database refuses.
                    changes[index] = QueuedChange(seq: queued.seq, change: Change(
                        reportID: queued.change.reportID, garrison: queued.change.garrison, origin: queued.change.origin,
                        kind: queued.change.kind))
                }
                return try await pushWhole(
                    PushRequest(changes: changes, rebase: request.rebase), from: principal, refused: refused, nowMillis: nowMillis)
            }
            let ordered = request.changes.sorted { $0.seq < $1.seq }
            let middle = ordered.count / 2
            let first = try await push(
                PushRequest(changes: Array(ordered[..<middle]), rebase: request.rebase), from: principal, refused: refused,
                nowMillis: nowMillis)
            guard !first.gap else { return first }
            let second = try await push(
                PushRequest(changes: Array(ordered[middle...]), rebase: request.rebase), from: principal, refused: refused,
                nowMillis: nowMillis)
            return PushResult(
                ack: PushAck(
                    ackedThrough: second.ack.ackedThrough, rejections: first.ack.rejections + second.ack.rejections,
                    hub: second.ack.hub),
                applied: first.applied + second.applied, skipped: first.skipped + second.skipped,
                conflicts: first.conflicts + second.conflicts, quarantined: first.quarantined + second.quarantined,
                gap: second.gap)
        }
    }

    /// SQLSTATE classes of a refusal of the data itself, never of an outage: data exceptions (22: a NUL in text,
    /// an untranslatable character, a number out of range) and program limits (54: a value too large or too deep).
    static func isRefusalOfData(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("22") || state.hasPrefix("54")
    }

    /// A statement, lock wait or idle transaction past `database.query_timeout_seconds`: 57014 (cancelled by
    /// statement_timeout), 55P03 (lock_timeout), 25P03 (idle_in_transaction_session_timeout).
    static func isDeadline(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "57014" || state == "55P03" || state == "25P03"
    }

    private func pushWhole(
        _ request: PushRequest, from principal: Principal, refused: [Int64: QuarantineReason], nowMillis: Int64
    ) async throws -> PushResult {
        let tenant: Tenant = principal.garrison.map(Tenant.garrison) ?? .all
        // Only ids in their one format can name a stored report; anything else (a NUL in it, say) is never sent to
        // PostgreSQL, and its change is quarantined by the validator.
        let ids = Array(Set(request.changes.map(\.change.reportID).filter(WireID.isUUIDv7))).sorted()
        let identity = try await identity()
        var unavailable = Set<String>()
        for _ in 0..<3 {
            do {
                let unavailable = unavailable
                let plan = try await transaction(as: tenant) { connection in
                    let highWater = try await self.registerNode(principal, on: connection)
                    // Notes are not read: they are a grow-only set, new ones are inserted with ON CONFLICT DO
                    // NOTHING, and nothing in planning depends on the ones already stored.
                    let current = try await self.loadStates(ids, on: connection, notes: false)
                    let plan = self.applier.plan(
                        request, from: principal, highWater: highWater, current: current, unavailable: unavailable,
                        refused: refused, nowMillis: nowMillis)
                    guard !plan.gap else { return plan }
                    let writer = PlanWriter()
                    let collisions = try await writer.write(
                        plan, current: current,
                        sender: .init(principal: principal, highWater: (plan.ackedThrough, plan.taken.count)),
                        on: connection, logger: self.logger)
                    guard collisions.isEmpty else { throw CreationCollision(ids: collisions) }
                    try await writer.appendFeed(plan, on: connection, logger: self.logger)
                    return plan
                }
                return PushResult(
                    ack: PushAck(ackedThrough: plan.ackedThrough, rejections: plan.rejections, hub: identity),
                    applied: plan.applied, skipped: plan.skipped, conflicts: plan.conflicts.count,
                    quarantined: plan.quarantined.count, gap: plan.gap)
            } catch let collision as CreationCollision {
                unavailable.formUnion(collision.ids)
            }
        }
        throw Problem.conflict(.reportExists, "report ids of this batch keep colliding with existing reports")
    }

    /// Registers the sender (first contact) or marks it seen, locks its row and returns its high-water mark.
    /// Refuses a node whose garrison is not syncing, or a node id registered to another garrison or role.
    func registerNode(_ principal: Principal, on connection: PostgresConnection) async throws -> Int64 {
        let garrison = principal.garrison?.rawValue ?? ""
        let rows: PostgresRowSequence
        do {
            rows = try await connection.query(
                """
                WITH g AS (SELECT phase FROM garrisons WHERE code = \(garrison))
                INSERT INTO nodes (node_id, garrison, role) VALUES (\(principal.site.rawValue), NULLIF(\(garrison), ''), \(principal.role.rawValue))
                ON CONFLICT (node_id) DO UPDATE SET last_seen_at = now()
                RETURNING high_water, COALESCE(garrison, ''), role, (SELECT phase FROM g)
                """, logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42501" {
            throw Problem.conflict(.nodeIdTaken, "node id \(principal.site) is registered to another garrison")
        }
        for try await (highWater, registeredGarrison, role, phase) in rows.decode((Int64, String, String, String?).self) {
            guard registeredGarrison == garrison, role == principal.role.rawValue else {
                throw Problem.conflict(
                    .nodeIdTaken, "node id \(principal.site) is registered as \(role) of \"\(registeredGarrison)\"")
            }
            if principal.role == .node {
                guard let phase = phase.flatMap(RolloutPhase.init(rawValue:)) else {
                    throw Problem.notFound(.unknownGarrison, "garrison \(garrison) does not exist")
                }
                guard phase.syncs else { throw Problem.phaseRefusal(principal.garrison!, phase) }
            }
            return highWater
        }
        throw HubStoreError(description: "registering node \(principal.site) returned no row")
    }

    /// The current states of `ids` visible to the transaction's tenant (with their notes unless `notes` is
    /// false), locked until commit so that concurrent writes to one report merge one after the other.
    func loadStates(_ ids: [String], on connection: PostgresConnection, notes: Bool = true) async throws -> [String: ReportState] {
        guard !ids.isEmpty else { return [:] }
        // Locked in id order, so two transactions locking overlapping reports never wait on each other in a cycle.
        let query: PostgresQuery = notes
            ? """
              SELECT r.state::text,
                     COALESCE((SELECT json_agg(n.note)::text FROM notes n WHERE n.report_id = r.report_id), '[]')
              FROM reports r WHERE r.report_id = ANY(\(ids)::text[]) ORDER BY r.report_id FOR UPDATE OF r
              """
            : """
              SELECT r.state::text, '[]' FROM reports r
              WHERE r.report_id = ANY(\(ids)::text[]) ORDER BY r.report_id FOR UPDATE OF r
              """
        let decoder = JSONDecoder()
        var states: [String: ReportState] = [:]
        for try await (stateJSON, notesJSON) in try await connection.query(query, logger: logger).decode((String, String).self) {
            let state = try Self.decodeState(stateJSON, notes: notesJSON, decoder: decoder)
            states[state.reportID] = state
        }
        return states
    }

    static func decodeState(_ stateJSON: String, notes notesJSON: String, decoder: JSONDecoder) throws -> ReportState {
        var state = try decoder.decode(ReportState.self, from: Data(stateJSON.utf8))
        for note in try decoder.decode([Note].self, from: Data(notesJSON.utf8)) { state.notes[note.id] = note }
        return state
    }
}

extension Problem {
    /// A garrison not in `pilot` or `live` may not sync; the message names its phase (DESIGN §7).
    static func phaseRefusal(_ garrison: GarrisonCode, _ phase: RolloutPhase) -> Problem {
        let why = phase == .planned
            ? "is planned: the administrators have not yet promoted it to pilot" : "is suspended by the administrators"
        return Problem.forbidden(phase == .planned ? .garrisonPlanned : .garrisonSuspended, "garrison \(garrison) \(why) (phase \(phase.rawValue)); sync is refused")
    }
}
