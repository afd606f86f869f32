/// One versioned step of the hub's schema. Steps run in order, each in its own transaction, as the owner role;
/// `schema_migrations` records which have run.
struct Migration: Sendable {
    let version: Int
    let name: String
    /// SQL statements; `{app}` stands for the application role (a checked identifier).
    let statements: [String]
}

extension Migration {
    /// Every migration the hub knows, in order. Append; never edit a released step.
    static let all: [Migration] = [.v1Tenancy, .v2Catalogue, .v3Rollout, .v4Intake, .v5IntakeLimits, .v6NodeSetAside, .v7WaveGrant]

    /// The latest schema version this build expects.
    static var latestVersion: Int { all.map(\.version).max() ?? 0 }

    /// The tenant tables of v1: each carries `garrison`, has row-level security enabled and forced, and one policy
    /// (v3 adds `enrollment_tokens`, `certificates` and `phase_audit` the same way).
    static let tenantTables = ["nodes", "reports", "notes", "feed_heads", "feed", "conflicts", "quarantine"]

    /// The policy every tenant table carries: a row is visible only inside a transaction whose tenant
    /// (`SET LOCAL garrison.tenant`) is its garrison, or `*` for the national and admin roles. Unset: nothing.
    static func tenantPolicy(_ table: String) -> [String] {
        [
            "ALTER TABLE \(table) ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE \(table) FORCE ROW LEVEL SECURITY",
            """
            CREATE POLICY tenant_isolation ON \(table)
              USING (current_setting('garrison.tenant', true) IN (garrison, '*'))
              WITH CHECK (current_setting('garrison.tenant', true) IN (garrison, '*'))
            """,
        ]
    }
}
