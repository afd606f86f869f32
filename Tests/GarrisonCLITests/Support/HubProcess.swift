import Foundation
import GarrisonEmbeddedPostgres
import GarrisonTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `garrison hub` run as its own process (the built executable) on a fresh database of the test cluster, under
/// a file-descriptor limit of its own (`ulimit -n` in a `sh -c` wrapper that then execs the hub), so a test can
/// flood its listeners and stop it with SIGTERM. Spawned with `posix_spawn` and reaped with `waitpid`.
final class HubProcess: Sendable {
    let pid: pid_t
    let pki: TestPKI
    /// The test cluster and the hub's database on it.
    let cluster: EmbeddedPostgres
    let database: String
    let tlsPort: Int
    let opsPort: Int
    let intakePort: Int
    let log: URL

    /// Writes the configuration (`extra` keys added, YAML `key: value` lines under their sections), starts the
    /// hub with at most `descriptors` open files, and waits until `/readyz` answers 200 on the ops listener.
    /// `place`: the cluster and database to use instead of a fresh database of the shared test cluster;
    /// `waitUntilReady` false returns as soon as the process runs.
    init(
        descriptors: Int, extra: [String: [String: String]] = [:],
        on place: (cluster: EmbeddedPostgres, database: String)? = nil, waitUntilReady: Bool = true
    ) async throws {
        pki = try TestPKI()
        let (cluster, database) = if let place { place } else { try await TestCluster.freshDatabase() }
        self.cluster = cluster
        self.database = database
        tlsPort = try LoopbackPort.free()
        opsPort = try LoopbackPort.free()
        intakePort = try LoopbackPort.free()
        let directory = TestCluster.scratch.appendingPathComponent("hub-process-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        log = directory.appendingPathComponent("hub.log")
        var sections: [String: [String: String]] = [
            "listen": ["address": "127.0.0.1:\(tlsPort)"],
            "ops": ["address": "127.0.0.1:\(opsPort)"],
            "tls": ["certificate": pki.certificatePath, "key": pki.keyPath, "ca": pki.caPath],
            "intake": ["address": "127.0.0.1:\(intakePort)"],
            "database": [
                "host": cluster.socketDirectory, "port": "\(cluster.port)", "name": database, "user": "garrison_app",
                "migrate": "true",
            ],
            "migration": ["user": "garrison_owner"],
        ]
        for (section, values) in extra { sections[section, default: [:]].merge(values) { $1 } }
        let yaml = sections.sorted { $0.key < $1.key }.map { section, values in
            "\(section):\n" + values.sorted { $0.key < $1.key }.map { "  \($0.key): \"\($0.value)\"\n" }.joined()
        }.joined()
        let config = directory.appendingPathComponent("hub.yaml")
        try yaml.write(to: config, atomically: true, encoding: .utf8)

        let executable = try Executables.url("garrison").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // `exec` keeps the pid: SIGTERM goes to the hub itself, not to the shell.
        let arguments = [
            "/bin/sh", "-c", "ulimit -n \(descriptors) && exec \"$0\" hub --config \"$1\" --log-level warning", executable, config.path,
        ]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
        guard spawned == 0 else { throw RawConnection.Failure(description: "cannot run \(executable): \(String(cString: strerror(spawned)))") }
        self.pid = pid
        guard waitUntilReady else { return }
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if let answer = try? await Self.get(port: opsPort, "/readyz", within: .seconds(1)), answer.hasPrefix("HTTP/1.1 200") {
                try cluster.execute("UPDATE garrisons SET phase = 'live'", database: database)
                return
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw RawConnection.Failure(description: "garrison hub exited (status \(status)): \(logText)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill()
        throw RawConnection.Failure(description: "garrison hub was not ready within 120 s: \(logText)")
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// The descriptors the process has open now.
    var openDescriptors: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1 }

    /// A plain GET on a local listener, as raw HTTP/1.1; the whole response text, nil if none came in time.
    static func get(port: Int, _ path: String, within timeout: Duration) async throws -> String? {
        let connection = try await RawConnection.open(port: port, timeout: timeout)
        defer { connection.close() }
        connection.send("GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        return try await connection.readResponse(within: timeout)
    }

    /// SIGTERM, then waits at most `timeout` for the exit; the exit status and how long it took, or nil (the
    /// process is then killed).
    func terminate(within timeout: Duration) async throws -> (status: Int32, after: Duration)? {
        let start = ContinuousClock.now
        _ = Glibc.kill(pid, SIGTERM)
        while ContinuousClock.now - start < timeout {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : -1, ContinuousClock.now - start)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        kill()
        return nil
    }

    /// SIGKILL, then reap.
    func kill() {
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }
}
