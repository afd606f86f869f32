import Foundation
import GarrisonEmbeddedPostgres
#if canImport(Glibc)
import Glibc
#endif

extension EmbeddedPostgres {
    /// A private cluster, started off Swift's cooperative pool, with one empty deployment database: for a test
    /// that stops or freezes its PostgreSQL, which the shared cluster's other users must never see.
    public static func privateDeployment() async throws -> (cluster: EmbeddedPostgres, database: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let cluster = try EmbeddedPostgres.start(durable: false)
                    try cluster.createDeploymentDatabase(name: "garrison")
                    return (cluster, "garrison")
                })
            }
        }
    }

    /// The postmaster and every process it started (backends, checkpointer, WAL writer…).
    public func serverProcesses() throws -> [pid_t] {
        let pidFile = directory.appendingPathComponent("data/postmaster.pid")
        guard let first = try String(contentsOf: pidFile, encoding: .utf8).split(separator: "\n").first,
            let postmaster = pid_t(first.trimmingCharacters(in: .whitespaces))
        else { throw EmbeddedPostgresError("no postmaster pid in \(pidFile.path)") }
        var processes = [postmaster]
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc") {
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // After "pid (comm) state ppid …": the fourth field is the parent.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, pid_t(fields[1]) == postmaster { processes.append(pid) }
        }
        return processes
    }

    /// Freezes the whole server (SIGSTOP): connections stay open and every query waits, as a hung database does.
    public func freeze() throws {
        for pid in try serverProcesses() { _ = kill(pid, SIGSTOP) }
    }

    /// Lets a frozen server run again (SIGCONT).
    public func thaw() throws {
        for pid in try serverProcesses() { _ = kill(pid, SIGCONT) }
    }
}
