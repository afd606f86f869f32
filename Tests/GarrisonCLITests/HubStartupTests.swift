import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GarrisonEmbeddedPostgres
import GarrisonTestSupport
import Testing

/// The hub's start as a new operator meets it (issue 14): the shipped rollout waves are adopted by the
/// application role, and a login PostgreSQL refuses ends `garrison hub migrate` at once with what to check,
/// instead of a pool retrying without end.
@Suite struct HubStartupTests {
    /// A hub configuration on a fresh database of the test cluster (not migrated), its migrations run as
    /// `migrationUser`.
    static func hubConfiguration(migrationUser: String) async throws -> (TestPKI, EmbeddedPostgres, String, URL) {
        let pki = try TestPKI()
        let (cluster, database) = try await TestCluster.freshDatabase()
        let config = TestCluster.scratch.appendingPathComponent("hub-\(UUID().uuidString.prefix(8)).yaml")
        try Data("""
            tls:
              certificate: \(pki.certificatePath)
              key: \(pki.keyPath)
              ca: \(pki.caPath)
            database:
              host: \(cluster.socketDirectory)
              port: \(cluster.port)
              name: \(database)
              user: garrison_app
            migration:
              user: \(migrationUser)
            """.utf8).write(to: config)
        return (pki, cluster, database, config)
    }

    @Test("a hub with rollout.waves starts as the application role and adopts the waves")
    func wavesAdoptedByTheAppRole() async throws {
        // The scratch directory is made when the cluster starts, which may not have happened yet.
        try FileManager.default.createDirectory(at: TestCluster.scratch, withIntermediateDirectories: true)
        let waves = TestCluster.scratch.appendingPathComponent("waves-\(UUID().uuidString.prefix(8)).yaml")
        try Data("waves:\n  - wave: 4\n    garrisons: [\"20\", KSP]\n".utf8).write(to: waves)
        let hub = try await HubProcess(descriptors: 4096, extra: ["rollout": ["waves": waves.path]])
        defer { hub.kill() }
        // The psql check raises unless the app role's UPDATE landed.
        try hub.cluster.execute(
            "DO $$ BEGIN IF (SELECT count(*) FROM garrisons WHERE code IN ('20', 'KSP') AND wave = 4) <> 2 THEN RAISE EXCEPTION 'waves not adopted'; END IF; END $$",
            database: hub.database)
        #expect(!hub.logText.contains("permission denied"), "\(hub.logText.suffix(2000))")
    }

    @Test("hub migrate as a role PostgreSQL refuses fails within seconds, naming the role and pg_hba.conf")
    func refusedLoginFailsAtOnce() async throws {
        let (_, _, _, config) = try await Self.hubConfiguration(migrationUser: "nobody_of_garrison")
        let start = ContinuousClock.now
        let run = try await CLI.run("garrison", ["hub", "migrate", "--config", config.path])
        let took = ContinuousClock.now - start
        #expect(run.status == 1, "\(run.stderr)")
        #expect(took < .seconds(30), "took \(took)")
        #expect(run.stderr.contains("cannot connect as nobody_of_garrison") && run.stderr.contains("pg_hba.conf"), "\(run.stderr)")
    }

    @Test("hub check on a migrated database passes; a grant taken away, a key open to everyone and a grant beyond the migrations are named with their fix")
    func hubCheck() async throws {
        let (pki, cluster, database, config) = try await Self.hubConfiguration(migrationUser: "garrison_owner")
        let user = ProcessInfo.processInfo.environment["USER"] ?? "root"
        let before = try await CLI.run("garrison", ["hub", "check", "--config", config.path, "--service-user", user])
        #expect(before.status == 1 && before.stdout.contains("FAIL  schema"), "\(before.stdout)")
        let migrated = try await CLI.run("garrison", ["hub", "migrate", "--config", config.path])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let ready = try await CLI.run(
            "garrison", ["hub", "check", "--config", config.path, "--service-user", user, "--show-config"],
            environment: ["GARRISON_DATABASE_PASSWORD": "never-printed-7f3a", "GARRISON_LIMITS_MAX_BATCH": "1200"])
        #expect(ready.status == 0, "\(ready.stdout)")
        #expect(ready.stdout.contains("privileges the hub needs") && ready.stdout.contains("ready to start"), "\(ready.stdout)")
        // --show-config: every key with its value and origin; the password redacted, by key, wherever it came from.
        #expect(!ready.stdout.contains("never-printed-7f3a") && !ready.stderr.contains("never-printed-7f3a"))
        #expect(ready.stdout.contains("database.password") && ready.stdout.contains("= <REDACTED>  (environment variable GARRISON_DATABASE_PASSWORD)"), "\(ready.stdout)")
        #expect(ready.stdout.contains("= 1200  (environment variable GARRISON_LIMITS_MAX_BATCH)"), "\(ready.stdout)")
        #expect(ready.stdout.contains("= garrison_app  (\(config.path))"), "\(ready.stdout)")
        #expect(ready.stdout.contains("(default; GARRISON_DATABASE_POOL_SIZE unset)"), "\(ready.stdout)")

        try cluster.execute("REVOKE UPDATE (wave) ON garrisons FROM garrison_app", database: database)
        #expect(chmod(pki.keyPath, 0o644) == 0)
        let broken = try await CLI.run("garrison", ["hub", "check", "--config", config.path, "--service-user", user])
        #expect(broken.status == 1, "\(broken.stdout)")
        #expect(broken.stdout.contains("lacks UPDATE (wave) on garrisons"), "\(broken.stdout)")
        #expect(broken.stdout.contains("FAIL  tls.key") && broken.stdout.contains("open to every user"), "\(broken.stdout)")

        // No more than it needs either: a grant the migrations never make is named.
        try cluster.execute("GRANT DELETE ON reports TO garrison_app", database: database)
        let extra = try await CLI.run("garrison", ["hub", "check", "--config", config.path, "--service-user", user])
        #expect(extra.status == 1 && extra.stdout.contains("holds more than the hub needs: DELETE on reports"), "\(extra.stdout)")
    }
}
