import Foundation
import GarrisonCore
import GarrisonHTTP
import PostgresNIO

/// The readiness gates' settings (`rollout.*` in the hub's configuration).
public struct RolloutGates: Sendable {
    /// A garrison's node must have been seen this recently to go live.
    public var seenWithin: Duration

    public init(seenWithin: Duration = .seconds(900)) {
        self.seenWithin = seenWithin
    }
}

extension HubStore {
    /// Changes a garrison's phase if the action allows it from the current phase and, for a promotion, every gate
    /// passes; records the change in `phase_audit` in the same transaction.
    ///
    /// Gates: to `pilot`, a node of the garrison was enrolled (a certificate signed for it, or a node already
    /// registered); to `live`, also a node seen within `gates.seenWithin`, its queue reported drained on its last
    /// pull, no open quarantine, and no change set aside at the node. A refused promotion answers 409 `gate_failed` naming each failed gate.
    public func changePhase(
        of garrison: GarrisonCode, _ action: PhaseAction, by actor: Principal, reason: String, gates settings: RolloutGates
    ) async throws -> PhaseChangeResult {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Problem.badRequest(.reasonRequired, "say why: every change of phase is audited with its reason")
        }
        return try await transaction(as: .all) { connection in
            var current: RolloutPhase?
            for try await phase in try await connection.query(
                "SELECT phase FROM garrisons WHERE code = \(garrison.rawValue) FOR UPDATE", logger: self.logger
            ).decode(String.self) {
                current = RolloutPhase(rawValue: phase)
            }
            guard let current else { throw Problem.notFound(.unknownGarrison, "garrison \(garrison) does not exist") }
            let target = try await self.target(of: action, from: current, garrison: garrison, on: connection)
            var checks: [GateCheck] = []
            if action == .promote {
                checks = try await self.gates(for: garrison, to: target, settings: settings, on: connection)
                let failed = checks.filter { !$0.passed }
                if !failed.isEmpty {
                    throw Problem.conflict(
                        .gateFailed,
                        "garrison \(garrison) stays \(current.rawValue); "
                            + failed.map { "gate \($0.gate) failed: \($0.detail)" }.joined(separator: "; "))
                }
            }
            try await connection.query(
                "UPDATE garrisons SET phase = \(target.rawValue), phase_changed_at = now() WHERE code = \(garrison.rawValue)",
                logger: self.logger)
            let rows = try await connection.query(
                """
                INSERT INTO phase_audit (garrison, from_phase, to_phase, actor, reason)
                VALUES (\(garrison.rawValue), \(current.rawValue), \(target.rawValue), \(actor.site.rawValue), \(reason))
                RETURNING id, garrison, from_phase, to_phase, actor, reason, at
                """, logger: self.logger)
            guard let change = try await Self.phaseChanges(rows).first else {
                throw HubStoreError(description: "the phase audit returned no row")
            }
            return PhaseChangeResult(change: change, gates: checks)
        }
    }

    /// The audit of phase changes, newest first, for one garrison or all.
    public func phaseAudit(garrison: GarrisonCode?, limit: Int) async throws -> [PhaseChange] {
        try await transaction(as: .all) { connection in
            let rows = try await connection.query(
                """
                SELECT id, garrison, from_phase, to_phase, actor, reason, at FROM phase_audit
                WHERE (\(garrison?.rawValue ?? "") = '' OR garrison = \(garrison?.rawValue ?? ""))
                ORDER BY id DESC LIMIT \(limit)
                """, logger: self.logger)
            return try await Self.phaseChanges(rows)
        }
    }

    /// Sets each garrison's wave (from `rollout.waves`, the historical waves of `Config/rollout.yaml`).
    public func assignWaves(_ waves: [GarrisonCode: Int]) async throws {
        guard !waves.isEmpty else { return }
        let codes = waves.keys.map(\.rawValue)
        let numbers = codes.map { waves[GarrisonCode(rawValue: $0)]! }
        _ = try await transaction(as: .all) { connection in
            try await connection.query(
                """
                UPDATE garrisons g SET wave = w.wave
                FROM UNNEST(\(codes)::text[], \(numbers)::int[]) AS w(code, wave) WHERE g.code = w.code
                """, logger: self.logger)
        }
    }

    private func target(
        of action: PhaseAction, from current: RolloutPhase, garrison: GarrisonCode, on connection: PostgresConnection
    ) async throws -> RolloutPhase {
        switch (action, current) {
        case (.promote, .planned): return .pilot
        case (.promote, .pilot): return .live
        case (.promote, .live): throw Problem.conflict(.alreadyLive, "garrison \(garrison) is already live")
        case (.promote, .suspended):
            throw Problem.conflict(.suspended, "garrison \(garrison) is suspended; resume it first")
        case (.suspend, .pilot), (.suspend, .live): return .suspended
        case (.suspend, _):
            throw Problem.conflict(.invalidTransition, "garrison \(garrison) is \(current.rawValue); only pilot or live can be suspended")
        case (.resume, .suspended):
            // Back to where it was suspended from: the latest audited suspension says.
            for try await from in try await connection.query(
                """
                SELECT from_phase FROM phase_audit WHERE garrison = \(garrison.rawValue) AND to_phase = 'suspended'
                ORDER BY id DESC LIMIT 1
                """, logger: logger
            ).decode(String.self) {
                if let phase = RolloutPhase(rawValue: from), phase.syncs { return phase }
            }
            return .pilot
        case (.resume, _):
            throw Problem.conflict(.invalidTransition, "garrison \(garrison) is \(current.rawValue), not suspended")
        }
    }

    private func gates(
        for garrison: GarrisonCode, to target: RolloutPhase, settings: RolloutGates, on connection: PostgresConnection
    ) async throws -> [GateCheck] {
        let window = Int64(settings.seenWithin.components.seconds)
        let rows = try await connection.query(
            """
            SELECT (SELECT count(*) FROM certificates c WHERE c.garrison = \(garrison.rawValue) AND c.role = 'node')
                     + (SELECT count(*) FROM nodes n WHERE n.garrison = \(garrison.rawValue)),
                   (SELECT extract(epoch FROM now() - max(n.last_seen_at))::float8 FROM nodes n WHERE n.garrison = \(garrison.rawValue)),
                   (SELECT n.queue_depth FROM nodes n WHERE n.garrison = \(garrison.rawValue)
                      AND n.queue_depth IS NOT NULL ORDER BY n.last_seen_at DESC LIMIT 1),
                   (SELECT count(*) FROM quarantine q WHERE q.garrison = \(garrison.rawValue) AND q.state = 'open'),
                   (SELECT n.set_aside FROM nodes n WHERE n.garrison = \(garrison.rawValue)
                      AND n.pull_cursor IS NOT NULL ORDER BY n.last_seen_at DESC LIMIT 1),
                   (SELECT n.set_aside_code FROM nodes n WHERE n.garrison = \(garrison.rawValue)
                      AND n.pull_cursor IS NOT NULL ORDER BY n.last_seen_at DESC LIMIT 1)
            """, logger: logger)
        var checks: [GateCheck] = []
        for try await (enrolled, lastSeen, queue, quarantined, setAside, setAsideCode)
            in rows.decode((Int64, Double?, Int64?, Int64, Int64?, String?).self)
        {
            checks.append(GateCheck(
                gate: "enrolled", passed: enrolled > 0,
                detail: enrolled > 0 ? "a node is enrolled" : "no node of garrison \(garrison) is enrolled (garrisonctl enroll --garrison \(garrison))"))
            guard target == .live else { break }
            let seen = lastSeen.map { $0 <= Double(window) } ?? false
            checks.append(GateCheck(
                gate: "seen", passed: seen,
                detail: lastSeen.map { "last seen \(Int($0)) s ago (window \(window) s)" } ?? "no node of garrison \(garrison) has synced yet"))
            checks.append(GateCheck(
                gate: "queue_drained", passed: queue == 0,
                detail: queue.map { "\($0) change(s) queued at the node" } ?? "the node has not reported its queue yet"))
            checks.append(GateCheck(
                gate: "no_quarantine", passed: quarantined == 0, detail: "\(quarantined) quarantined change(s) unresolved"))
            // Changes the node set aside are unresolved like quarantine, only held at the node (`garrison node
            // queue`). A node that never reported them is an older one: it cannot set anything aside.
            let aside = setAside ?? 0
            checks.append(GateCheck(
                gate: "no_set_aside", passed: aside == 0,
                detail: aside == 0
                    ? "no change set aside at the node"
                    : "\(aside) change(s) set aside at the node (oldest refused as \(setAsideCode ?? "?")): garrison node queue list"))
        }
        return checks
    }

    private static func phaseChanges(_ rows: PostgresRowSequence) async throws -> [PhaseChange] {
        var result: [PhaseChange] = []
        for try await row in rows.decode((Int64, String, String, String, String, String, Date).self) {
            result.append(PhaseChange(id: row.0, garrison: row.1, from: row.2, to: row.3, actor: row.4, reason: row.5, at: row.6))
        }
        return result
    }
}
