import GarrisonTestSupport
import Foundation
import GarrisonCore
import GarrisonHub
import PostgresNIO
import Testing

/// Row-level security as PostgreSQL itself reports it: the database, not the daemon, keeps tenants apart.
@Suite(.serialized) struct HubRowSecurityTests {
    @Test func everyTenantTableHasForcedRowSecurityAndTheAppRoleCannotBypassIt() async throws {
        try await TestHub.with { hub in
            _ = try await HubFixtures.oneReportPerGarrison(hub)
            try await hub.withDatabase { client in
                // Tenant tables: every table with a garrison column.
                let rows = try await client.query(
                    """
                    SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                           (SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname)::int8,
                           pg_get_userbyid(c.relowner)
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public' AND c.relkind = 'r'
                      AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'garrison' AND NOT a.attisdropped)
                    ORDER BY c.relname
                    """)
                var tables: [String] = []
                for try await (table, enabled, forced, policies, owner) in rows.decode((String, Bool, Bool, Int64, String).self) {
                    tables.append(table)
                    #expect(enabled, "\(table): row-level security is not enabled")
                    #expect(forced, "\(table): row-level security is not forced")
                    #expect(policies >= 1, "\(table): no policy")
                    #expect(owner == "garrison_owner", "\(table) is owned by \(owner)")
                }
                #expect(tables == [
                    "certificates", "conflicts", "enrollment_tokens", "feed", "feed_heads", "nodes", "notes", "phase_audit",
                    "quarantine", "reports",
                ])

                let owned = try await client.query(
                    "SELECT count(*)::int8 FROM pg_class c WHERE pg_get_userbyid(c.relowner) = 'garrison_app'")
                for try await count in owned.decode(Int64.self) { #expect(count == 0, "the app role owns \(count) relations") }
                let role = try await client.query("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'garrison_app'")
                for try await (superuser, bypass) in role.decode((Bool, Bool).self) {
                    #expect(!superuser)
                    #expect(!bypass)
                }
            }
            // As the application role: an unset tenant sees nothing, a garrison sees its own rows only.
            try await hub.withDatabase(user: "garrison_app") { client in
                for try await count in try await client.query("SELECT count(*)::int8 FROM reports").decode(Int64.self) {
                    #expect(count == 0, "an unset tenant sees \(count) reports")
                }
                let scoped = try await client.withTransaction(logger: .init(label: "test")) { connection in
                    try await connection.query("SELECT set_config('garrison.tenant', '20', true)", logger: .init(label: "test"))
                    var garrisons: [String] = []
                    for try await garrison in try await connection.query("SELECT garrison FROM reports", logger: .init(label: "test")).decode(String.self) {
                        garrisons.append(garrison)
                    }
                    return garrisons
                }
                #expect(scoped == ["20"])
                // Writing another garrison's row is refused by the policy itself.
                await #expect(throws: (any Error).self) {
                    try await client.withTransaction(logger: .init(label: "test")) { connection in
                        try await connection.query("SELECT set_config('garrison.tenant', '20', true)", logger: .init(label: "test"))
                        try await connection.query(
                            "INSERT INTO feed (garrison, position, report_id, change) VALUES ('22', 999, 'x', '{}')", logger: .init(label: "test"))
                    }
                }
            }
            #expect(try await HubFixtures.count(hub, "SELECT count(*) FROM reports") == 17)
        }
    }
}
