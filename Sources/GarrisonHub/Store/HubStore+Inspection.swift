import Foundation
import GarrisonCore
import PostgresNIO

extension HubStore {
    /// Every report's state with its notes, by report id, read through `client` as whatever role it connects as
    /// (the demo and the tests use the superuser to see past row-level security and check the outcome).
    public static func storedStates(through client: PostgresClient) async throws -> [String: ReportState] {
        let rows = try await client.query(
            """
            SELECT r.state::text,
                   COALESCE((SELECT json_agg(n.note)::text FROM notes n WHERE n.report_id = r.report_id), '[]')
            FROM reports r
            """)
        var states: [String: ReportState] = [:]
        let decoder = JSONDecoder()
        for try await (state, notes) in rows.decode((String, String).self) {
            let decoded = try decodeState(state, notes: notes, decoder: decoder)
            states[decoded.reportID] = decoded
        }
        return states
    }
}
