import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster in a temporary directory (initdb/pg_ctl), for tests, benchmarks and the demo.
///
/// It listens only on a Unix socket in a directory nobody else can enter, so `trust` authentication inside it is
/// safe. PostgreSQL refuses to run as root: when the process is root, the cluster is owned by and run as the
/// `postgres` user (through `runuser`). `stop()` stops it and removes the directory; clusters left behind by a
/// process that died are cleaned up by the next `start`.
public final class EmbeddedPostgres: Sendable {
    /// The directory holding the data, the socket and the log.
    public let directory: URL
    /// The directory of the Unix socket: the `host` a client connects to.
    public let socketDirectory: String
    /// The port, which names the socket file (`.s.PGSQL.<port>`).
    public let port: Int
    /// The superuser's name.
    public let superuser = "postgres"
    private let binaries: PostgresBinaries

    private init(directory: URL, binaries: PostgresBinaries) {
        self.directory = directory
        self.socketDirectory = directory.appendingPathComponent("socket").path
        self.port = 5432
        self.binaries = binaries
    }

    /// Creates and starts a cluster. `durable: false` turns fsync off (tests); benchmarks and the demo keep it on.
    public static func start(durable: Bool = true, logger: Logger = Logger(label: "garrison.embedded-postgres"))
        throws -> EmbeddedPostgres
    {
        let binaries = try PostgresBinaries.locate()
        removeAbandonedClusters(logger: logger)
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "garrison-pg-\(getpid())-\(UUID().uuidString.prefix(8))")
        let cluster = EmbeddedPostgres(directory: base, binaries: binaries)
        do {
            try cluster.create(durable: durable)
            try cluster.run(binaries.pgCtl, asOwner: true, "-D", cluster.dataPath, "-l", cluster.logPath, "-w", "-t", "60", "start")
        } catch {
            let log = (try? String(contentsOfFile: cluster.logPath, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: base)
            throw EmbeddedPostgresError("PostgreSQL did not start: \(error)\n\(log.suffix(2000))")
        }
        logger.info("embedded PostgreSQL started", metadata: ["directory": "\(base.path)"])
        return cluster
    }

    /// Runs SQL as the superuser (through psql), failing on the first error.
    public func execute(_ sql: String, database: String = "postgres") throws {
        try run(binaries.psql, asOwner: false, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory,
            "-p", "\(port)", "-U", superuser, "-d", database, "-c", sql)
    }

    /// Runs psql as `user` with extra arguments (the COPY baseline of a benchmark, for example).
    public func psql(user: String, database: String, arguments: [String]) throws {
        try run(binaries.psql, asOwner: false, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory,
            "-p", "\(port)", "-U", user, "-d", database] + arguments)
    }

    /// Creates the garrison deployment's roles and database: an owner that runs migrations and an application
    /// role that neither owns the tables nor bypasses row-level security (DESIGN §5).
    public func createDeploymentDatabase(name: String, owner: String = "garrison_owner", app: String = "garrison_app") throws {
        try execute("""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(owner)') THEN CREATE ROLE \(owner) LOGIN; END IF;
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(app)') THEN
                CREATE ROLE \(app) LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; END IF;
            END $$;
            """)
        try execute("CREATE DATABASE \(name) OWNER \(owner)")
        try execute("REVOKE ALL ON DATABASE \(name) FROM PUBLIC; GRANT CONNECT ON DATABASE \(name) TO \(app), \(owner)")
    }

    /// Stops the cluster (fast shutdown) and removes its directory.
    public func stop() {
        try? run(binaries.pgCtl, asOwner: true, "-D", dataPath, "-m", "fast", "-w", "stop")
        try? FileManager.default.removeItem(at: directory)
    }

    /// A streaming standby of this cluster in a directory of its own (`pg_basebackup -R`), started, and made the
    /// synchronous standby: from now on a commit here returns only once the standby has it, as with Patroni's
    /// `synchronous_mode`. A failover test crashes this cluster and promotes the standby.
    public func startStandby(logger: Logger = Logger(label: "garrison.embedded-postgres")) throws -> EmbeddedPostgres {
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "garrison-pg-\(getpid())-\(UUID().uuidString.prefix(8))")
        let standby = EmbeddedPostgres(directory: base, binaries: binaries)
        do {
            let manager = FileManager.default
            try manager.createDirectory(atPath: standby.socketDirectory, withIntermediateDirectories: true)
            try Data("\(getpid())".utf8).write(to: base.appendingPathComponent("owner.pid"))
            try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: base.path)
            if binaries.runAsPostgres { try Self.runProcess("/bin/chown", ["-R", "postgres:postgres", base.path]) }
            try run(binaries.pgBasebackup, asOwner: true, "-h", socketDirectory, "-p", "\(port)", "-U", superuser,
                "-D", standby.dataPath, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync")
            // The copied configuration names this cluster's socket: the standby listens on its own.
            try standby.appendSettings("\nunix_socket_directories = '\(standby.socketDirectory)'\n")
            try run(binaries.pgCtl, asOwner: true, "-D", standby.dataPath, "-l", standby.logPath, "-w", "-t", "60", "start")
            try execute("ALTER SYSTEM SET synchronous_standby_names = '*'")
            try execute("SELECT pg_reload_conf()")
        } catch {
            let log = (try? String(contentsOfFile: standby.logPath, encoding: .utf8)) ?? ""
            try? run(binaries.pgCtl, asOwner: true, "-D", standby.dataPath, "-m", "immediate", "-w", "stop")
            try? FileManager.default.removeItem(at: base)
            throw EmbeddedPostgresError("the standby did not start: \(error)\n\(log.suffix(2000))")
        }
        logger.info("embedded PostgreSQL standby started", metadata: ["directory": "\(base.path)"])
        return standby
    }

    /// Whether the synchronous standby is streaming (a commit waits for it).
    public func hasSynchronousStandby() throws -> Bool {
        let output = try run(binaries.psql, asOwner: false, ["-X", "-A", "-t", "-h", socketDirectory, "-p", "\(port)", "-U", superuser,
            "-d", "postgres", "-c", "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync' AND state = 'streaming'"])
        return output.trimmingCharacters(in: .whitespacesAndNewlines) != "0"
    }

    /// Kills the server as a power cut would (`pg_ctl stop -m immediate`: no shutdown checkpoint); the directory
    /// stays until `stop()`.
    public func crash() throws {
        try run(binaries.pgCtl, asOwner: true, "-D", dataPath, "-m", "immediate", "-w", "stop")
    }

    /// Promotes a standby to primary: it leaves recovery on a new timeline.
    ///
    /// A promotion only requests its first checkpoint, and `pg_control_checkpoint()`, where the hub reads the
    /// timeline (DESIGN §4), names the new one once that checkpoint is done: it is taken here, so that a hub started
    /// next sees the new timeline, as it would a moment later in production.
    public func promote() throws {
        try run(binaries.pgCtl, asOwner: true, "-D", dataPath, "-w", "-t", "60", "promote")
        try execute("CHECKPOINT")
    }

    private func appendSettings(_ settings: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dataPath + "/postgresql.conf"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
        try handle.close()
    }

    var dataPath: String { directory.appendingPathComponent("data").path }
    var logPath: String { directory.appendingPathComponent("postgres.log").path }

    private func create(durable: Bool) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        try Data("\(getpid())".utf8).write(to: directory.appendingPathComponent("owner.pid"))
        try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        if binaries.runAsPostgres {
            try Self.runProcess("/bin/chown", ["-R", "postgres:postgres", directory.path])
        }
        try run(binaries.initdb, asOwner: true, "-D", dataPath, "-U", superuser, "-A", "trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync")
        let settings = """

            listen_addresses = ''
            unix_socket_directories = '\(socketDirectory)'
            unix_socket_permissions = 0700
            port = \(port)
            max_connections = 300
            shared_buffers = 256MB
            fsync = \(durable ? "on" : "off")
            synchronous_commit = on
            full_page_writes = \(durable ? "on" : "off")
            max_wal_size = 2GB
            wal_level = logical
            max_wal_senders = 10
            max_replication_slots = 10
            log_min_messages = warning
            """
        try appendSettings(settings)
    }

    private func run(_ executable: String, asOwner: Bool, _ arguments: String...) throws {
        try run(executable, asOwner: asOwner, arguments)
    }

    /// Runs a program (as the cluster's owner when `asOwner`) and returns what it printed.
    @discardableResult
    private func run(_ executable: String, asOwner: Bool, _ arguments: [String]) throws -> String {
        if asOwner && binaries.runAsPostgres {
            try Self.runProcess(binaries.runuser, ["-u", "postgres", "--", executable] + arguments)
        } else {
            try Self.runProcess(executable, arguments)
        }
    }

    /// Runs a program to completion with `posix_spawn` and `waitpid`, its output in a temporary file.
    ///
    /// Not Foundation's `Process`: `pg_ctl start` leaves the server running with whatever descriptors it
    /// inherited, and `Process` learns of the exit through a descriptor the server would then hold open
    /// forever. Here the exit is learned from `waitpid`, whatever the server keeps open.
    @discardableResult
    static func runProcess(_ executable: String, _ arguments: [String]) throws -> String {
        let outputPath = NSTemporaryDirectory() + "garrison-run-\(UUID().uuidString)"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        closeInheritedDescriptors(&actions)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw EmbeddedPostgresError("cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw EmbeddedPostgresError(
                "\((executable as NSString).lastPathComponent) \(arguments.joined(separator: " ")) "
                    + (exited ? "exited with \(code)" : "was killed by signal \(status & 0x7f)") + ": \(text.suffix(1500))")
        }
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// The child gets only standard input, output and error. Otherwise a server started by `pg_ctl` would hold
    /// whatever this process has open for as long as it runs, such as the listening socket of a hub started
    /// before it (not close-on-exec), which then stays bound after that hub stops. glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` (2.34) is looked up at run time, as Swift does not import it;
    /// without it each descriptor open now is closed.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(Int32.init) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    /// Stops and removes clusters whose creating process is gone (a test run that was killed).
    private static func removeAbandonedClusters(logger: Logger) {
        let temp = URL(fileURLWithPath: NSTemporaryDirectory())
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: temp.path) else { return }
        for entry in entries where entry.hasPrefix("garrison-pg-") {
            let directory = temp.appendingPathComponent(entry)
            guard let text = try? String(contentsOf: directory.appendingPathComponent("owner.pid"), encoding: .utf8),
                let pid = Int32(text), kill(pid, 0) != 0, errno == ESRCH,
                let binaries = try? PostgresBinaries.locate()
            else { continue }
            let cluster = EmbeddedPostgres(directory: directory, binaries: binaries)
            if FileManager.default.fileExists(atPath: cluster.dataPath + "/postmaster.pid") {
                try? cluster.run(binaries.pgCtl, asOwner: true, "-D", cluster.dataPath, "-m", "immediate", "-w", "stop")
            }
            try? FileManager.default.removeItem(at: directory)
            logger.info("removed an abandoned embedded PostgreSQL", metadata: ["directory": "\(directory.path)"])
        }
    }
}

/// Why the embedded PostgreSQL could not be used; the message says what to install or set.
public struct EmbeddedPostgresError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
