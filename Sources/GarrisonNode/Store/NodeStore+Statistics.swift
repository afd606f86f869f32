import Foundation
import GRDB
import GarrisonCore

extension NodeStore {
    /// The statistics of the reports this node holds (every garrison at the national node).
    public func statistics(_ query: StatisticsQuery, deadlines: Deadlines = .standard, nowMillis: Int64) throws -> Statistics {
        let phases = try phases()
        // The public variant: only live garrisons (a garrison whose phase is not known yet is left out too).
        let excluded = query.publicOnly
            ? GarrisonRegistry.standard.garrisons.map(\.code).filter { phases[$0]?.isPublic != true }.map(\.rawValue) : []
        var clauses = ["created_at >= ?", "created_at < ?"]
        var arguments: StatementArguments = [query.fromMillis, query.toMillis]
        if let garrison = principal.garrison {
            clauses.append("garrison = ?")
            arguments += [garrison.rawValue]
        }
        if query.publicOnly {
            clauses.append("hidden = 0")
            if !excluded.isEmpty {
                clauses.append("garrison NOT IN (\(excluded.map { _ in "?" }.joined(separator: ",")))")
                arguments += StatementArguments(excluded)
            }
        }
        let rows = try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT garrison, county, category, status, unit, created_at, read_at, verified_at FROM report
                    WHERE \(clauses.joined(separator: " AND "))
                    """,
                arguments: arguments
            ).map { row in
                StatisticsRow(
                    garrison: row["garrison"], county: row["county"], category: row["category"],
                    status: (row["status"] as String?).flatMap(ReportStatus.init(rawValue:)), unit: row["unit"],
                    createdMillis: row["created_at"], readMillis: row["read_at"], verifiedMillis: row["verified_at"])
            }
        }
        return Statistics.compute(
            rows, query: query, phases: phases, excluded: excluded, deadlines: deadlines, nowMillis: nowMillis)
    }
}
