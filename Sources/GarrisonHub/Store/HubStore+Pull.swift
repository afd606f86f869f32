import Foundation
import GarrisonCore
import Logging
import PostgresNIO

/// Feed entries as stored: the change stays the JSON text PostgreSQL holds, so a pull never decodes and
/// re-encodes what it only forwards.
public struct StoredFeedPage: Sendable {
    public struct Entry: Sendable {
        public let position: Int64
        public let changeJSON: String
        public let committedAtMillis: Int64
    }

    public let entries: [Entry]
    /// The garrison's feed head when the page was read.
    public let head: Int64
}

/// What a garrison's node says about itself on a pull (nil: not said, the stored value stays).
public struct NodeReport: Sendable {
    /// Its changes waiting to be pushed.
    public var queueDepth: Int64?
    /// Its changes set aside (the hub kept refusing each alone), and the problem code of the oldest.
    public var setAside: Int64?
    public var setAsideCode: String?

    public init(queueDepth: Int64? = nil, setAside: Int64? = nil, setAsideCode: String? = nil) {
        self.queueDepth = queueDepth
        self.setAside = setAside
        self.setAsideCode = setAsideCode
    }
}

extension HubStore {
    /// Reads a garrison's feed after `cursor` (`GET /v1/sync/pull`); marks the puller seen and, for a garrison's
    /// node, keeps the cursor, the queue depth and the set-aside changes it reported (the rollout's readiness
    /// gates read them). A node of a garrison that is not syncing is refused.
    public func readFeed(
        of garrison: GarrisonCode, after cursor: Int64, limit: Int, for principal: Principal, reported: NodeReport = NodeReport()
    ) async throws -> StoredFeedPage {
        let tenant: Tenant = principal.role == .node ? .garrison(garrison) : .all
        return try await transaction(as: tenant) { connection in
            _ = try await self.registerNode(principal, on: connection)
            if principal.role == .node {
                try await connection.query(
                    """
                    UPDATE nodes SET pull_cursor = \(cursor), queue_depth = COALESCE(\(reported.queueDepth), queue_depth),
                        set_aside = COALESCE(\(reported.setAside)::int8, set_aside),
                        set_aside_code = CASE WHEN \(reported.setAside)::int8 IS NULL THEN set_aside_code ELSE \(reported.setAsideCode)::text END
                    WHERE node_id = \(principal.site.rawValue)
                    """, logger: self.logger)
            }
            var entries: [StoredFeedPage.Entry] = []
            let rows = try await connection.query(
                """
                SELECT position, change::text, (extract(epoch FROM committed_at) * 1000)::int8
                FROM feed WHERE garrison = \(garrison.rawValue) AND position > \(cursor)
                ORDER BY position LIMIT \(limit)
                """, logger: self.logger)
            for try await (position, change, committed) in rows.decode((Int64, String, Int64).self) {
                entries.append(.init(position: position, changeJSON: change, committedAtMillis: committed))
            }
            var head: Int64 = 0
            for try await value in try await connection.query(
                "SELECT head FROM feed_heads WHERE garrison = \(garrison.rawValue)", logger: self.logger
            ).decode(Int64.self) {
                head = value
            }
            return StoredFeedPage(entries: entries, head: head)
        }
    }

    /// One page of a garrison's snapshot: the head first, then reports after `after` in id order.
    public func snapshot(
        of garrison: GarrisonCode, after: String, limit: Int, for principal: Principal
    ) async throws -> SnapshotPage {
        let tenant: Tenant = principal.role == .node ? .garrison(garrison) : .all
        let identity = try await identity()
        return try await transaction(as: tenant) { connection in
            _ = try await self.registerNode(principal, on: connection)
            var head: Int64 = 0
            for try await value in try await connection.query(
                "SELECT head FROM feed_heads WHERE garrison = \(garrison.rawValue)", logger: self.logger
            ).decode(Int64.self) {
                head = value
            }
            let rows = try await connection.query(
                """
                SELECT r.state::text,
                       COALESCE((SELECT json_agg(n.note)::text FROM notes n WHERE n.report_id = r.report_id), '[]')
                FROM reports r WHERE r.garrison = \(garrison.rawValue) AND r.report_id > \(after)
                ORDER BY r.report_id LIMIT \(limit)
                """, logger: self.logger)
            let decoder = JSONDecoder()
            var reports: [ReportState] = []
            for try await (state, notes) in rows.decode((String, String).self) {
                reports.append(try Self.decodeState(state, notes: notes, decoder: decoder))
            }
            let next = reports.count == limit ? reports.last?.reportID : nil
            return SnapshotPage(garrison: garrison, cursor: head, reports: reports, nextAfter: next, hub: identity)
        }
    }
}
