import Foundation
import GarrisonTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `garrison node` run as a separate process (the built executable), so a test can kill it with SIGKILL.
/// Spawned with `posix_spawn` and reaped with `waitpid`, not Foundation's `Process`, whose exit monitoring
/// made a kill take seconds to be seen.
final class NodeProcess: Sendable {
    let pid: pid_t
    let port: Int

    /// Starts the node and waits until its local API answers.
    init(config: String, port: Int, log: URL, environment extra: [String: String] = [:]) async throws {
        self.port = port
        let executable = try Executables.url("garrison").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let arguments: [String] = [executable, "node", "--config", config, "--log-level", "warning"]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var variables = ProcessInfo.processInfo.environment
        for (key, value) in extra { variables[key] = value }
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw LocalAPIClient.Failure("cannot run \(executable): \(String(cString: strerror(spawned)))") }
        self.pid = pid
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let answer = try? await api.send(.GET, "/healthz", token: nil), answer.status == 200 { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw LocalAPIClient.Failure("garrison node exited (status \(status)); see \(log.path)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        await kill()
        throw LocalAPIClient.Failure("garrison node did not answer within 60 s; see \(log.path)")
    }

    var api: LocalAPIClient { LocalAPIClient(baseURL: "http://127.0.0.1:\(port)", timeout: .seconds(2)) }

    /// SIGKILL, then reap.
    func kill() async {
        _ = Glibc.kill(pid, SIGKILL)
        _ = await reap(within: .seconds(30))
    }

    /// SIGTERM (graceful), then reap; returns the exit code (-1 when killed by a signal). A node that has not
    /// stopped within `within` (its unit's stop timeout) is killed and reported as -2.
    func terminate(within: Duration = .seconds(30)) async -> Int32 {
        _ = Glibc.kill(pid, SIGTERM)
        guard let status = await reap(within: within) else {
            _ = Glibc.kill(pid, SIGKILL)
            _ = await reap(within: .seconds(30))
            return -2
        }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }

    /// Waits for the process to exit, polling: a blocking `waitpid` would hold one of the cooperative pool's
    /// threads (two on a two-core machine), and the in-process hub the node talks to needs them to answer.
    private func reap(within: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + within
        var status: Int32 = 0
        while ContinuousClock.now < deadline {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return status }
            if reaped == -1 && errno != EINTR { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }
    /// A TCP port free right now on 127.0.0.1.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LocalAPIClient.Failure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw LocalAPIClient.Failure("bind() failed") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
