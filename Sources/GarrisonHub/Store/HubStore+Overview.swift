import Foundation
import GarrisonCore
import PostgresNIO

extension HubStore {
    /// Every garrison with its phase, feed head, open conflicts and quarantine, nodes and last contact.
    public func overview() async throws -> [GarrisonOverview] {
        try await transaction(as: .all) { connection in
            let rows = try await connection.query(
                """
                SELECT g.code, g.name, g.wave, g.phase, COALESCE(h.head, 0),
                       (SELECT count(*) FROM reports r WHERE r.garrison = g.code),
                       (SELECT count(*) FROM conflicts c WHERE c.garrison = g.code AND c.resolution IS NULL),
                       (SELECT count(*) FROM quarantine q WHERE q.garrison = g.code AND q.state = 'open'),
                       (SELECT count(*) FROM nodes n WHERE n.garrison = g.code),
                       (SELECT extract(epoch FROM now() - max(n.last_seen_at))::float8 FROM nodes n WHERE n.garrison = g.code),
                       latest.queue_depth, COALESCE(h.head, 0) - latest.pull_cursor,
                       (SELECT count(*) FROM certificates c WHERE c.garrison = g.code),
                       latest.set_aside, latest.set_aside_code
                FROM garrisons g LEFT JOIN feed_heads h ON h.garrison = g.code
                LEFT JOIN LATERAL (
                    SELECT n.queue_depth, n.pull_cursor, n.set_aside, n.set_aside_code FROM nodes n
                    WHERE n.garrison = g.code AND n.pull_cursor IS NOT NULL ORDER BY n.last_seen_at DESC LIMIT 1
                ) latest ON true
                ORDER BY g.code
                """, logger: self.logger)
            var result: [GarrisonOverview] = []
            for try await row in rows.decode(
                (String, String, Int, String, Int64, Int64, Int64, Int64, Int64, Double?, Int64?, Int64?, Int64, Int64?, String?).self
            ) {
                result.append(
                    GarrisonOverview(
                        garrison: row.0, name: row.1, wave: row.2, phase: row.3, feedHead: row.4, reports: row.5,
                        openConflicts: row.6, openQuarantine: row.7, nodes: row.8, lastSeenSecondsAgo: row.9,
                        queue: row.10, lag: row.11, enrolled: row.12, setAside: row.13, setAsideCode: row.14))
            }
            return result
        }
    }

    /// Every garrison's rollout phase (`GET /v1/sync/garrisons`, for nodes and the national node).
    public func garrisonPhases() async throws -> [GarrisonPhase] {
        try await transaction(as: .all) { connection in
            let rows = try await connection.query("SELECT code, name, wave, phase FROM garrisons ORDER BY code", logger: self.logger)
            var result: [GarrisonPhase] = []
            for try await (code, name, wave, phase) in rows.decode((String, String, Int, String).self) {
                guard let phase = RolloutPhase(rawValue: phase) else { continue }
                result.append(GarrisonPhase(garrison: GarrisonCode(rawValue: code), name: name, wave: wave, phase: phase))
            }
            return result
        }
    }
}
