import Foundation
import GRDB
import GarrisonCore

/// What a unit may filter the report list by.
public struct ReportFilter: Sendable {
    public var status: ReportStatus?
    public var category: Int?
    public var county: String?
    public var unit: String?
    /// Reports past a deadline and not yet through it: not read within 2 days, or not verified within 5.
    public var overdue: Deadlines.Deadline?
    /// Keyset pagination: ids after this one (ids are UUIDv7, so this is creation order).
    public var after: String?
    public var limit: Int

    public init(
        status: ReportStatus? = nil, category: Int? = nil, county: String? = nil, unit: String? = nil,
        overdue: Deadlines.Deadline? = nil, after: String? = nil, limit: Int = 100
    ) {
        self.status = status
        self.category = category
        self.county = county
        self.unit = unit
        self.overdue = overdue
        self.after = after
        self.limit = limit
    }
}

/// One entry of a report's history.
public struct HistoryEntry: Sendable {
    public let appliedAtMillis: Int64
    /// `local` (a unit here), `hub` (pulled), `resync`.
    public let source: String
    /// The unit (token label) that made a local change.
    public let author: String?
    public let change: Change
}

/// Figures of the node's store for `/v1/status` and `/metrics`.
public struct StoreFigures: Sendable, Codable {
    public var reports: Int
    public var queueDepth: Int
    public var oldestQueuedMillis: Int64?
    public var rejections: Int
    public var conflicts: Int
    /// Pulled changes kept in `refused_pull` (unreadable, or refused by the validator).
    public var refusedPulls: Int
}

extension NodeStore {
    /// A report's state, if this node holds it.
    public func report(_ id: String) throws -> ReportState? {
        try pool.read { db in try Self.state(id, db) }
    }

    /// The reports of this node's garrison that match `filter`, in id (creation) order.
    public func reports(_ filter: ReportFilter, deadlines: Deadlines = .standard, nowMillis: Int64) throws -> [ReportState] {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let garrison = principal.garrison {
            clauses.append("garrison = ?")
            arguments += [garrison.rawValue]
        }
        if let status = filter.status {
            clauses.append("status = ?")
            arguments += [status.rawValue]
        }
        if let category = filter.category {
            clauses.append("category = ?")
            arguments += [category]
        }
        if let county = filter.county {
            clauses.append("county = ?")
            arguments += [county]
        }
        if let unit = filter.unit {
            clauses.append("unit = ?")
            arguments += [unit]
        }
        switch filter.overdue {
        case .read?:
            clauses.append("read_at IS NULL AND created_at < ?")
            arguments += [nowMillis - deadlines.readMillis]
        case .verify?:
            clauses.append("verified_at IS NULL AND created_at < ?")
            arguments += [nowMillis - deadlines.verifyMillis]
        case nil:
            break
        }
        if let after = filter.after {
            clauses.append("id > ?")
            arguments += [after]
        }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments += [filter.limit]
        return try pool.read { db in
            let decoder = JSONDecoder()
            return try String.fetchAll(
                db, sql: "SELECT state FROM report \(whereClause) ORDER BY id LIMIT ?", arguments: arguments
            ).map { try decoder.decode(ReportState.self, from: Data($0.utf8)) }
        }
    }

    /// A report's history, oldest first.
    public func history(_ id: String) throws -> [HistoryEntry] {
        try pool.read { db in
            let decoder = JSONDecoder()
            return try Row.fetchAll(
                db, sql: "SELECT applied_at, source, author, change FROM report_history WHERE report_id = ? ORDER BY id",
                arguments: [id]
            ).map { row in
                HistoryEntry(
                    appliedAtMillis: row["applied_at"], source: row["source"], author: row["author"],
                    change: try decoder.decode(Change.self, from: Data((row["change"] as String).utf8)))
            }
        }
    }

    /// The conflicts this node recorded, for one report or all (newest first, at most `limit`).
    public func conflicts(reportID: String? = nil, limit: Int = 500) throws -> [ConflictRecord] {
        try pool.read { db in
            let decoder = JSONDecoder()
            let sql = reportID == nil
                ? "SELECT record FROM conflict ORDER BY detected_at DESC LIMIT ?"
                : "SELECT record FROM conflict WHERE report_id = ? ORDER BY detected_at DESC LIMIT ?"
            let arguments: StatementArguments = reportID.map { [$0, limit] } ?? [limit]
            return try String.fetchAll(db, sql: sql, arguments: arguments).map {
                try decoder.decode(ConflictRecord.self, from: Data($0.utf8))
            }
        }
    }

    /// A change the hub refused, kept visible here.
    public struct StoredRejection: Sendable, Codable {
        public let seq: Int64
        public let reportID: String
        public let code: String
        public let message: String
        public let rejectedAtMillis: Int64

        private enum CodingKeys: String, CodingKey {
            case seq, code, message
            case reportID = "report_id"
            case rejectedAtMillis = "rejected_at"
        }
    }

    /// The changes the hub refused, newest first.
    public func rejections(limit: Int = 500) throws -> [StoredRejection] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, report_id, code, message, rejected_at FROM rejection ORDER BY seq DESC LIMIT ?",
                arguments: [limit]
            ).map { row in
                StoredRejection(
                    seq: row["seq"], reportID: row["report_id"], code: row["code"], message: row["message"],
                    rejectedAtMillis: row["rejected_at"])
            }
        }
    }

    /// Counts for the status answer and metrics.
    public func figures() throws -> StoreFigures {
        try pool.read { db in
            // One statement for every figure: `/v1/status` and each `/metrics` scrape read them.
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM report) AS reports, (SELECT count(*) FROM outbox) AS queued,
                       (SELECT min(queued_at) FROM outbox) AS oldest, (SELECT count(*) FROM rejection) AS rejections,
                       (SELECT count(*) FROM conflict) AS conflicts, (SELECT count(*) FROM refused_pull) AS refused_pulls
                """)
            return StoreFigures(
                reports: row?["reports"] ?? 0, queueDepth: row?["queued"] ?? 0, oldestQueuedMillis: row?["oldest"],
                rejections: row?["rejections"] ?? 0, conflicts: row?["conflicts"] ?? 0, refusedPulls: row?["refused_pulls"] ?? 0)
        }
    }

    /// Every report id held, with its garrison (tests and the demo compare replicas).
    public func reportGarrisons() throws -> [String: String] {
        try pool.read { db in
            Dictionary(
                try Row.fetchAll(db, sql: "SELECT id, garrison FROM report").map { ($0["id"], $0["garrison"]) },
                uniquingKeysWith: { first, _ in first })
        }
    }
}
