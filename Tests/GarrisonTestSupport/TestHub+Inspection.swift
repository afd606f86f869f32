import Foundation
import GarrisonCore
import PostgresNIO

extension TestHub {
    /// Every report's stored state, read as the superuser (bypassing row-level security), notes included.
    public func storedStates() async throws -> [String: ReportState] {
        try await withDatabase { client in
            let rows = try await client.query(
                """
                SELECT r.state::text,
                       COALESCE((SELECT json_agg(n.note)::text FROM notes n WHERE n.report_id = r.report_id), '[]')
                FROM reports r
                """)
            var states: [String: ReportState] = [:]
            let decoder = JSONDecoder()
            for try await (state, notes) in rows.decode((String, String).self) {
                var decoded = try decoder.decode(ReportState.self, from: Data(state.utf8))
                for note in try decoder.decode([Note].self, from: Data(notes.utf8)) { decoded.notes[note.id] = note }
                states[decoded.reportID] = decoded
            }
            return states
        }
    }

    /// One integer from a superuser query.
    public func count(_ sql: String) async throws -> Int64 {
        try await withDatabase { client in
            for try await value in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) { return value }
            return -1
        }
    }
}
