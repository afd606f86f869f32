import Foundation
import GarrisonCore
import PostgresNIO

/// One garrison as the administrators and `/metrics` see it.
public struct GarrisonOverview: Codable, Hashable, Sendable {
    public let garrison: String
    public let name: String
    public let wave: Int
    public let phase: String
    /// The feed's head position: changes routed to the garrison so far.
    public let feedHead: Int64
    public let reports: Int64
    public let openConflicts: Int64
    public let openQuarantine: Int64
    public let nodes: Int64
    /// Seconds since any of its nodes was last seen; nil if none ever was.
    public let lastSeenSecondsAgo: Double?
    /// Changes waiting at its most recently seen node, as that node reported on its last pull; nil if unknown.
    public let queue: Int64?
    /// Feed entries its most recently seen node has not pulled yet (head − cursor); nil if unknown.
    public let lag: Int64?
    /// Nodes enrolled for it (certificates the hub signed).
    public let enrolled: Int64

    private enum CodingKeys: String, CodingKey {
        case garrison, name, wave, phase
        case feedHead = "feed_head"
        case reports
        case openConflicts = "open_conflicts"
        case openQuarantine = "open_quarantine"
        case nodes
        case lastSeenSecondsAgo = "last_seen_seconds_ago"
        case queue, lag, enrolled
    }
}

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
                       (SELECT count(*) FROM certificates c WHERE c.garrison = g.code)
                FROM garrisons g LEFT JOIN feed_heads h ON h.garrison = g.code
                LEFT JOIN LATERAL (
                    SELECT n.queue_depth, n.pull_cursor FROM nodes n
                    WHERE n.garrison = g.code AND n.pull_cursor IS NOT NULL ORDER BY n.last_seen_at DESC LIMIT 1
                ) latest ON true
                ORDER BY g.code
                """, logger: self.logger)
            var result: [GarrisonOverview] = []
            for try await row in rows.decode(
                (String, String, Int, String, Int64, Int64, Int64, Int64, Int64, Double?, Int64?, Int64?, Int64).self
            ) {
                result.append(
                    GarrisonOverview(
                        garrison: row.0, name: row.1, wave: row.2, phase: row.3, feedHead: row.4, reports: row.5,
                        openConflicts: row.6, openQuarantine: row.7, nodes: row.8, lastSeenSecondsAgo: row.9,
                        queue: row.10, lag: row.11, enrolled: row.12))
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
