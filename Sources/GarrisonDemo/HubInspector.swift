import Foundation
import GarrisonCore
import GarrisonHub
import Logging
import PostgresNIO

/// Reads the hub's database as the superuser (bypassing row-level security) to check the demo's outcome: what
/// the hub holds per garrison, its conflicts, and each node's high-water mark against the changes it took.
final class HubInspector: Sendable {
    private let client: PostgresClient
    private let task: Task<Void, Never>

    init(cluster: DemoCluster) {
        let client = PostgresClient(configuration: .init(
            unixSocketPath: "\(cluster.postgres.socketDirectory)/.s.PGSQL.\(cluster.postgres.port)",
            username: cluster.postgres.superuser, password: nil, database: cluster.database))
        self.client = client
        task = Task { await client.run() }
    }

    func close() async {
        task.cancel()
        await task.value
    }

    /// Reports per garrison.
    func reportCounts() async throws -> [String: Int] {
        try await grouped("SELECT garrison, count(*) FROM reports GROUP BY garrison")
    }

    /// Conflict records per garrison.
    func conflictCounts() async throws -> [String: Int] {
        try await grouped("SELECT garrison, count(*) FROM conflicts GROUP BY garrison")
    }

    /// Whether a conflict on `field` of `report` is recorded.
    func hasConflict(report: String, field: String) async throws -> Bool {
        let rows = try await client.query("SELECT count(*) FROM conflicts WHERE report_id = \(report) AND field = \(field)")
        for try await count in rows.decode(Int64.self) { return count > 0 }
        return false
    }

    /// Per node: the high-water mark of its sequence and the changes the hub took from it (equal when every
    /// change was taken exactly once).
    func nodeLedger() async throws -> [(node: String, highWater: Int64, taken: Int64)] {
        var rows: [(String, Int64, Int64)] = []
        for try await row in try await client.query("SELECT node_id, high_water, changes_taken FROM nodes ORDER BY node_id")
            .decode((String, Int64, Int64).self) { rows.append(row) }
        return rows.map { (node: $0.0, highWater: $0.1, taken: $0.2) }
    }

    /// Every report's state as the hub stores it, notes included, by report id.
    func states() async throws -> [String: ReportState] { try await HubStore.storedStates(through: client) }

    private func grouped(_ sql: String) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for try await (garrison, count) in try await client.query(PostgresQuery(unsafeSQL: sql)).decode((String, Int64).self) {
            counts[garrison] = Int(count)
        }
        return counts
    }
}
