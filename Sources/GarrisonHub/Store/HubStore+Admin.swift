import GarrisonHTTP
import Foundation
import GarrisonCore
import PostgresNIO

extension HubStore {
    /// Conflicts, newest first.
    public func conflicts(garrison: GarrisonCode?, state: ListingState, limit: Int) async throws -> [ConflictEntry] {
        try await transaction(as: .all) { connection in
            let rows = try await connection.query(
                """
                SELECT number, record::text, resolution, resolved_by FROM conflicts
                WHERE (\(garrison?.rawValue ?? "") = '' OR garrison = \(garrison?.rawValue ?? ""))
                  AND (\(state.rawValue) = 'all' OR (resolution IS NULL) = (\(state.rawValue) = 'open'))
                ORDER BY number DESC LIMIT \(limit)
                """, logger: self.logger)
            return try await Self.conflictEntries(rows)
        }
    }

    /// One conflict by number.
    public func conflict(_ number: Int64) async throws -> ConflictEntry? {
        try await transaction(as: .all) { connection in
            let rows = try await connection.query(
                "SELECT number, record::text, resolution, resolved_by FROM conflicts WHERE number = \(number)",
                logger: self.logger)
            return try await Self.conflictEntries(rows).first
        }
    }

    /// Resolves an open conflict: `keep` accepts the merge's winner; `override` writes the losing value back
    /// as the administrator's own write (a new stamp, so it wins everywhere and reaches the garrison's feed).
    public func resolveConflict(_ number: Int64, override: Bool, by admin: Principal, nowMillis: Int64) async throws -> ConflictEntry {
        try await transaction(as: .all) { connection in
            let rows = try await connection.query(
                "SELECT number, record::text, resolution, resolved_by FROM conflicts WHERE number = \(number) FOR UPDATE",
                logger: self.logger)
            guard let entry = try await Self.conflictEntries(rows).first else {
                throw Problem.notFound(.unknownConflict, "there is no conflict number \(number)")
            }
            guard entry.resolution == nil else {
                throw Problem.conflict(.alreadyResolved, "conflict \(number) was resolved (\(entry.resolution!)) by \(entry.resolvedBy ?? "?")")
            }
            if override { try await self.writeOverride(entry.record, by: admin, nowMillis: nowMillis, on: connection) }
            let resolution = override ? "overridden" : "kept"
            try await connection.query(
                """
                UPDATE conflicts SET resolution = \(resolution), resolved_by = \(admin.site.rawValue), resolved_at = now()
                WHERE number = \(number)
                """, logger: self.logger)
            return ConflictEntry(number: number, record: entry.record, resolution: resolution, resolvedBy: admin.site.rawValue)
        }
    }

    private func writeOverride(_ record: ConflictRecord, by admin: Principal, nowMillis: Int64, on connection: PostgresConnection) async throws {
        let current = try await loadStates([record.reportID], on: connection)
        guard let state = current[record.reportID] else {
            throw Problem.notFound(.unknownReport, "report \(record.reportID) no longer exists")
        }
        let stamp = clock.withLock { clock -> HLC in
            if let latest = state.latestStamp { clock.observe(latest, physicalMillis: nowMillis) }
            return clock.now(physicalMillis: nowMillis)
        }
        var change = Change(reportID: record.reportID, garrison: state.garrison ?? record.garrison, origin: admin.site, kind: .update)
        if record.field == "status" {
            guard let status = record.loser.value.stringValue.flatMap(ReportStatus.init(rawValue:)), let existing = state.status,
                let epoch = existing.nextEpoch
            else {
                throw Problem.conflict(.cannotOverride, "the losing status cannot be restored")
            }
            // Same epoch and a lower rank would lose to the register; a new epoch is the explicit reopen.
            change.status = StatusRegister(status: status, epoch: epoch, stamp: stamp, base: existing.stamp)
        } else if let field = ReportField(rawValue: record.field) {
            change.fields[field] = Register(value: record.loser.value, stamp: stamp, base: state.fields[field]?.stamp)
        } else {
            throw Problem.conflict(.cannotOverride, "field \(record.field) is unknown to this hub")
        }
        let plan = applier.planSingle(change, from: admin, current: state, nowMillis: nowMillis)
        if let refused = plan.quarantined.first {
            throw Problem.conflict(.cannotOverride, "the override was refused: \(refused.reason)")
        }
        let writer = PlanWriter()
        _ = try await writer.write(plan, current: current, sender: .init(principal: admin), on: connection, logger: logger)
        try await writer.appendFeed(plan, on: connection, logger: logger)
    }

    private static func conflictEntries(_ rows: PostgresRowSequence) async throws -> [ConflictEntry] {
        let decoder = JSONDecoder()
        var entries: [ConflictEntry] = []
        for try await (number, record, resolution, by) in rows.decode((Int64, String, String?, String?).self) {
            entries.append(
                ConflictEntry(
                    number: number, record: try decoder.decode(ConflictRecord.self, from: Data(record.utf8)),
                    resolution: resolution, resolvedBy: by))
        }
        return entries
    }

    /// Quarantined changes, newest first.
    public func quarantine(garrison: GarrisonCode?, state: ListingState, limit: Int) async throws -> [QuarantineEntry] {
        try await transaction(as: .all) { connection in
            let rows = try await connection.query(
                """
                SELECT id, garrison, node_id, role, seq, change::text, reason_code, reason_message, state, resolved_by
                FROM quarantine
                WHERE (\(garrison?.rawValue ?? "") = '' OR garrison = \(garrison?.rawValue ?? ""))
                  AND (\(state.rawValue) = 'all' OR (state = 'open') = (\(state.rawValue) = 'open'))
                ORDER BY id DESC LIMIT \(limit)
                """, logger: self.logger)
            return try await Self.quarantineEntries(rows)
        }
    }

    /// Applies a quarantined change again, as its original sender (after a fix elsewhere made it valid).
    /// Refused again: the entry stays open with the new reason, and the answer says why.
    public func retryQuarantined(_ id: Int64, by admin: Principal, nowMillis: Int64) async throws -> QuarantineEntry {
        try await transaction(as: .all) { connection in
            let entry = try await self.openQuarantined(id, on: connection)
            let sender = Principal(
                role: Principal.Role(rawValue: entry.role) ?? .node,
                garrison: entry.role == "node" ? entry.garrison.map(GarrisonCode.init(rawValue:)) : nil,
                site: SiteID(rawValue: entry.nodeID))
            let current = try await self.loadStates([entry.change.reportID], on: connection)
            let plan = self.applier.planSingle(entry.change, from: sender, current: current[entry.change.reportID], nowMillis: nowMillis)
            if let refused = plan.quarantined.first {
                try await connection.query(
                    "UPDATE quarantine SET reason_code = \(refused.reason.code.rawValue), reason_message = \(refused.reason.message) WHERE id = \(id)",
                    logger: self.logger)
                throw Problem.conflict(.stillRefused, "quarantined change \(id) is still refused: \(refused.reason)")
            }
            let writer = PlanWriter()
            let collisions = try await writer.write(plan, current: current, sender: .init(principal: admin), on: connection, logger: self.logger)
            guard collisions.isEmpty else { throw Problem.conflict(.reportExists, "report \(entry.change.reportID) exists in another garrison") }
            try await writer.appendFeed(plan, on: connection, logger: self.logger)
            return try await self.close(id, state: "retried", by: admin, on: connection)
        }
    }

    /// Drops a quarantined change for good (it stays listed as dropped, with who dropped it).
    public func dropQuarantined(_ id: Int64, by admin: Principal) async throws -> QuarantineEntry {
        try await transaction(as: .all) { connection in
            _ = try await self.openQuarantined(id, on: connection)
            return try await self.close(id, state: "dropped", by: admin, on: connection)
        }
    }

    private func openQuarantined(_ id: Int64, on connection: PostgresConnection) async throws -> QuarantineEntry {
        let rows = try await connection.query(
            """
            SELECT id, garrison, node_id, role, seq, change::text, reason_code, reason_message, state, resolved_by
            FROM quarantine WHERE id = \(id) FOR UPDATE
            """, logger: logger)
        guard let entry = try await Self.quarantineEntries(rows).first else {
            throw Problem.notFound(.unknownQuarantine, "there is no quarantined change \(id)")
        }
        guard entry.state == "open" else {
            throw Problem.conflict(.alreadyResolved, "quarantined change \(id) was \(entry.state) by \(entry.resolvedBy ?? "?")")
        }
        return entry
    }

    private func close(_ id: Int64, state: String, by admin: Principal, on connection: PostgresConnection) async throws -> QuarantineEntry {
        let rows = try await connection.query(
            """
            UPDATE quarantine SET state = \(state), resolved_by = \(admin.site.rawValue), resolved_at = now() WHERE id = \(id)
            RETURNING id, garrison, node_id, role, seq, change::text, reason_code, reason_message, state, resolved_by
            """, logger: logger)
        guard let entry = try await Self.quarantineEntries(rows).first else {
            throw Problem.notFound(.unknownQuarantine, "there is no quarantined change \(id)")
        }
        return entry
    }

    private static func quarantineEntries(_ rows: PostgresRowSequence) async throws -> [QuarantineEntry] {
        let decoder = JSONDecoder()
        var entries: [QuarantineEntry] = []
        for try await row in rows.decode((Int64, String?, String, String, Int64?, String, String, String, String, String?).self) {
            entries.append(
                QuarantineEntry(
                    id: row.0, garrison: row.1, nodeID: row.2, role: row.3, seq: row.4,
                    change: try decoder.decode(Change.self, from: Data(row.5.utf8)),
                    reason: QuarantineReason(code: ProblemCode(rawValue: row.6), message: row.7), state: row.8, resolvedBy: row.9))
        }
        return entries
    }
}
