import Foundation
import GarrisonCore
import Logging
import PostgresNIO

/// Applies the hub's migrations as the owner role (at start-up with `database.migrate: true`, or by
/// `garrison hub migrate`), then loads the seed data the project owns: the 17 garrisons and catalogue v1.
public enum HubMigrator {
    /// Applies what is pending and seeds; returns the versions applied now. Safe to run from several hubs at
    /// once: an advisory lock serialises them.
    @discardableResult
    public static func migrate(client: PostgresClient, appRole: String, logger: Logger) async throws -> [Int] {
        guard appRole.range(of: #"^[a-z_][a-z0-9_]{0,62}$"#, options: .regularExpression) != nil else {
            throw HubStoreError.configuration("the application role \"\(appRole)\" is not a plain identifier")
        }
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7261001)", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                  version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var done = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
                .decode(Int.self)
            {
                done.insert(version)
            }
            var applied: [Int] = []
            for migration in Migration.all where !done.contains(migration.version) {
                for statement in migration.statements {
                    let sql = statement.replacingOccurrences(of: "{app}", with: appRole)
                    try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                logger.info("migration applied", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                applied.append(migration.version)
            }
            try await seed(connection, logger: logger)
            return applied
        }
    }

    /// Garrisons, their feed heads and catalogue v1; rows already there are left as they are (their phase
    /// belongs to the administrators).
    static func seed(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT set_config('garrison.tenant', '*', true)", logger: logger)
        let garrisons = GarrisonRegistry.standard.garrisons
        let codes = garrisons.map(\.code.rawValue)
        try await connection.query(
            """
            INSERT INTO garrisons (code, name, seat, area, voivodeship, wave)
            SELECT g.code, g.name, g.seat, g.area, NULLIF(g.voivodeship, ''), g.wave
            FROM UNNEST(\(codes)::text[], \(garrisons.map(\.name))::text[], \(garrisons.map(\.seat))::text[],
                        \(garrisons.map(\.area))::text[], \(garrisons.map { $0.voivodeship ?? "" })::text[],
                        \(garrisons.map(\.wave))::int[]) AS g(code, name, seat, area, voivodeship, wave)
            ON CONFLICT (code) DO NOTHING
            """, logger: logger)
        try await connection.query(
            "INSERT INTO feed_heads (garrison) SELECT UNNEST(\(codes)::text[]) ON CONFLICT (garrison) DO NOTHING",
            logger: logger)
        let catalogue = CategoryCatalogue.standard
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let definitions = try catalogue.categories.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try await connection.query(
            """
            INSERT INTO categories (version, category_id, definition)
            SELECT \(catalogue.version), c.id, c.definition::jsonb
            FROM UNNEST(\(catalogue.categories.map(\.id))::int[], \(definitions)::text[]) AS c(id, definition)
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }
}
