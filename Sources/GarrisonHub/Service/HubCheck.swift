import Foundation
import GarrisonCore
import GarrisonPKI
import Logging
import PostgresNIO

/// `garrison hub check`: what an operator runs before `systemctl start garrison-hub` (issue 14). The
/// configuration has already been read; this checks the files it names (certificates, keys, lists) as the
/// service user will need them, both database roles' logins, and that the application role can do all the hub
/// needs and nothing more: no superuser, no `BYPASSRLS`, owning nothing, every grant of the migrations present.
public enum HubCheck {
    /// Every finding, in the order an operator fixes them.
    public static func run(_ configuration: HubConfiguration, user: String = CredentialCheck.serviceUser, logger: Logger) async -> [CheckFinding] {
        var findings = CredentialCheck.check(
            certificate: configuration.tls.certificate, key: configuration.tls.key, ca: configuration.tls.ca,
            keys: (certificate: "tls.certificate", key: "tls.key", ca: "tls.ca"), role: .hub, user: user)
        if let path = configuration.enrollment.caKeyPath {
            findings.append(FileCheck.readable(path, key: "enrollment.ca_key", secret: true, user: user))
        }
        if let path = configuration.revocation.listPath {
            findings.append(FileCheck.readable(path, key: "tls.revocation_list", secret: false, user: user))
            do {
                let list = try RevocationList(contentsOf: path)
                findings.append(CheckFinding(.ok, "tls.revocation_list", "\(list.serials.count) serials revoked"))
            } catch {
                findings.append(CheckFinding(.failure, "tls.revocation_list", "\(error)", fix: "one hex serial per line, # for comments"))
            }
        }
        if let path = configuration.rollout.wavesPath { findings.append(FileCheck.readable(path, key: "rollout.waves", secret: false, user: user)) }
        findings.append(contentsOf: await owner(configuration.migration.database, logger: logger))
        findings.append(contentsOf: await application(configuration.database, logger: logger))
        return findings
    }

    /// The owner role logs in (it runs `garrison hub migrate`).
    static func owner(_ settings: DatabaseSettings, logger: Logger) async -> [CheckFinding] {
        do {
            try await DatabaseProbe.check(settings, key: "migration", logger: logger)
            return [CheckFinding(.ok, "migration", "\(settings.user) logs in to \(settings.name) at \(settings.host):\(settings.port)")]
        } catch {
            return [CheckFinding(.failure, "migration", "\(error)")]
        }
    }

    /// The application role logs in, holds no power to get around row-level security, owns nothing, finds the
    /// schema current and has every privilege the migrations grant it.
    static func application(_ settings: DatabaseSettings, logger: Logger) async -> [CheckFinding] {
        let grants = Migration.requiredGrants
        do {
            return try await DatabaseProbe.withConnection(settings, key: "database", logger: logger) { connection in
                var findings = [CheckFinding(.ok, "database", "\(settings.user) logs in to \(settings.name) at \(settings.host):\(settings.port)")]
                let attributes = try await connection.query(
                    "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user", logger: logger)
                for try await (superuser, bypass) in attributes.decode((Bool, Bool).self) where superuser || bypass {
                    findings.append(CheckFinding(
                        .failure, "database.user", "\(settings.user) is \(superuser ? "a superuser" : "able to bypass row-level security")",
                        fix: "ALTER ROLE \(settings.user) NOSUPERUSER NOBYPASSRLS (deploy/postgres/roles.sql)"))
                }
                let owned = try await connection.query(
                    """
                    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND n.nspname = 'public'
                    ORDER BY 1 LIMIT 10
                    """, logger: logger)
                var ownedNames: [String] = []
                for try await name in owned.decode(String.self) { ownedNames.append(name) }
                if !ownedNames.isEmpty {
                    findings.append(CheckFinding(
                        .failure, "database.user", "\(settings.user) owns \(ownedNames.joined(separator: ", ")): row-level security does not bind an owner",
                        fix: "ALTER TABLE … OWNER TO garrison_owner for each, then garrison hub migrate"))
                }
                var version = 0
                let table = try await connection.query("SELECT to_regclass('public.schema_migrations') IS NOT NULL", logger: logger)
                var migrated = false
                for try await exists in table.decode(Bool.self) { migrated = exists }
                if migrated {
                    let versions = try await connection.query("SELECT COALESCE(max(version), 0) FROM schema_migrations", logger: logger)
                    for try await found in versions.decode(Int.self) { version = found }
                }
                guard version == Migration.latestVersion else {
                    findings.append(CheckFinding(
                        .failure, "schema", "at version \(version); this hub needs \(Migration.latestVersion)",
                        fix: "garrison hub migrate --config … (as the owner role)"))
                    return findings
                }
                findings.append(CheckFinding(.ok, "schema", "at version \(version), current"))
                let missing = try await Self.missing(grants, on: connection, logger: logger)
                let extra = try await Self.extra(beyond: grants, on: connection, logger: logger)
                findings.append(missing.isEmpty
                    ? CheckFinding(.ok, "database.user", "\(settings.user) holds all \(grants.count) privileges the hub needs")
                    : CheckFinding(.failure, "database.user", "\(settings.user) lacks \(missing.joined(separator: "; "))",
                        fix: "garrison hub migrate --config … grants them (database.user must be the role it was run for)"))
                if !extra.isEmpty {
                    findings.append(CheckFinding(.failure, "database.user", "\(settings.user) holds more than the hub needs: \(extra.joined(separator: "; "))",
                        fix: "REVOKE each from \(settings.user): the hub's role may do what the migrations grant and no more"))
                }
                return findings
            }
        } catch {
            return [CheckFinding(.failure, "database", "\(error)")]
        }
    }
}

extension HubCheck {
    /// The required grants the role does not hold, found in one statement.
    static func missing(_ grants: [RequiredGrant], on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let rows = try await connection.query(
            """
            SELECT g.kind, g.name, g.col, g.priv
            FROM UNNEST(\(grants.map(\.kind.rawValue))::text[], \(grants.map(\.name))::text[], \(grants.map { $0.column ?? "" })::text[],
                        \(grants.map(\.privilege))::text[]) AS g(kind, name, col, priv)
            WHERE NOT CASE g.kind
                WHEN 'sequence' THEN has_sequence_privilege(current_user, g.name, g.priv)
                WHEN 'column' THEN has_column_privilege(current_user, g.name, g.col, g.priv)
                ELSE has_table_privilege(current_user, g.name, g.priv) END
            """, logger: logger)
        var missing: [String] = []
        for try await (kind, name, column, privilege) in rows.decode((String, String, String, String).self) {
            missing.append("\(privilege)\(kind == "column" ? " (\(column))" : "") on \(name)")
        }
        return missing
    }

    /// Table privileges the role holds on the hub's tables beyond the required ones (column grants are not
    /// table privileges, so `UPDATE (phase)` never shows as `UPDATE`).
    static func extra(beyond grants: [RequiredGrant], on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let tableGrants = grants.filter { $0.kind == .table }
        let rows = try await connection.query(
            """
            SELECT c.relname::text, p.priv
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN UNNEST(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p(priv)
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND has_table_privilege(current_user, c.oid, p.priv)
              AND (c.relname::text, p.priv) NOT IN (
                SELECT * FROM UNNEST(\(tableGrants.map(\.name))::text[], \(tableGrants.map(\.privilege))::text[]))
            ORDER BY 1, 2
            """, logger: logger)
        var extra: [String] = []
        for try await (table, privilege) in rows.decode((String, String).self) { extra.append("\(privilege) on \(table)") }
        return extra
    }
}

/// One privilege a migration grants the application role.
struct RequiredGrant: Sendable {
    /// Which `has_*_privilege` answers for it.
    enum Kind: String, Sendable {
        case table, column, sequence
    }

    let privilege: String
    let kind: Kind
    let name: String
    /// For a column grant (`UPDATE (phase) ON garrisons`): the column.
    let column: String?
}

extension Migration {
    /// Every privilege the migrations grant `{app}`, read from their own `GRANT` statements, so the check can
    /// never drift from what `garrison hub migrate` does.
    static var requiredGrants: [RequiredGrant] {
        let grant = /^GRANT (.+?) ON (SEQUENCE )?(.+) TO \{app\}$/
        let columns = /^(\w+) \((.+)\)$/
        var result: [RequiredGrant] = []
        for statement in all.flatMap(\.statements) {
            guard let match = statement.wholeMatch(of: grant) else { continue }
            let sequence = match.output.2 != nil
            let names = match.output.3.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let privileges = String(match.output.1)
            for name in names {
                if let column = privileges.wholeMatch(of: columns) {
                    for each in column.output.2.split(separator: ",") {
                        result.append(RequiredGrant(
                            privilege: String(column.output.1), kind: .column, name: name,
                            column: each.trimmingCharacters(in: .whitespaces)))
                    }
                } else {
                    for privilege in privileges.split(separator: ",") {
                        result.append(RequiredGrant(
                            privilege: privilege.trimmingCharacters(in: .whitespaces), kind: sequence ? .sequence : .table,
                            name: name, column: nil))
                    }
                }
            }
        }
        return result
    }
}
