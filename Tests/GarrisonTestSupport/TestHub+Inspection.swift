import Foundation
import GarrisonCore
import GarrisonHub
import PostgresNIO

extension TestHub {
    /// Every report's stored state, read as the superuser (bypassing row-level security), notes included.
    public func storedStates() async throws -> [String: ReportState] {
        try await withDatabase { try await HubStore.storedStates(through: $0) }
    }

    /// One integer from a superuser query.
    public func count(_ sql: String) async throws -> Int64 {
        try await withDatabase { client in
            for try await value in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) { return value }
            return -1
        }
    }
}
