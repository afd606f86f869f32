import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where the PostgreSQL server programs are, and whether they must run as the `postgres` user.
struct PostgresBinaries: Sendable {
    let initdb: String
    let pgCtl: String
    let psql: String
    /// For a streaming standby of a cluster (`EmbeddedPostgres.startStandby`).
    let pgBasebackup: String
    let runuser: String
    /// True when this process is root: PostgreSQL refuses to run as root.
    let runAsPostgres: Bool

    /// Looks in `GARRISON_PG_BIN`, then the newest `/usr/lib/postgresql/*/bin`, then `PATH`.
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresBinaries {
        var candidates: [String] = []
        if let bin = environment["GARRISON_PG_BIN"] { candidates.append(bin) }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        candidates += versions.compactMap(Int.init).sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
        candidates += (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        let manager = FileManager.default
        guard let bin = candidates.first(where: { manager.isExecutableFile(atPath: "\($0)/initdb") && manager.isExecutableFile(atPath: "\($0)/pg_ctl") }) else {
            throw EmbeddedPostgresError(
                "PostgreSQL server programs (initdb, pg_ctl) were not found: install them with "
                    + "`apt-get install postgresql` (Debian) or set GARRISON_PG_BIN to their directory")
        }
        let psql = manager.isExecutableFile(atPath: "\(bin)/psql") ? "\(bin)/psql" : "/usr/bin/psql"
        guard manager.isExecutableFile(atPath: psql) else {
            throw EmbeddedPostgresError("psql was not found: install it with `apt-get install postgresql-client`")
        }
        let isRoot = getuid() == 0
        if isRoot {
            guard getpwnam("postgres") != nil else {
                throw EmbeddedPostgresError(
                    "running as root, PostgreSQL must run as the `postgres` user, which does not exist: install "
                        + "`apt-get install postgresql` (it creates the user) or run as an ordinary user")
            }
            guard manager.isExecutableFile(atPath: "/usr/sbin/runuser") || manager.isExecutableFile(atPath: "/sbin/runuser") else {
                throw EmbeddedPostgresError("running as root needs runuser: install `apt-get install util-linux`")
            }
        }
        let runuser = manager.isExecutableFile(atPath: "/usr/sbin/runuser") ? "/usr/sbin/runuser" : "/sbin/runuser"
        return PostgresBinaries(
            initdb: "\(bin)/initdb", pgCtl: "\(bin)/pg_ctl", psql: psql, pgBasebackup: "\(bin)/pg_basebackup", runuser: runuser, runAsPostgres: isRoot)
    }
}
