import Foundation
import GarrisonEmbeddedPostgres
import Synchronization

/// The one PostgreSQL cluster of a test process, started on first use (as `postgres` when the tests run as
/// root) and stopped when the process exits. Each test takes a fresh database in it.
public enum TestCluster {
    private static let shared = Mutex<Result<EmbeddedPostgres, EmbeddedPostgresError>?>(nil)
    private static let counter = Atomic<Int>(0)
    /// Role creation checks then creates: one database at a time, or two tests race to create the same role.
    private static let creating = Mutex(())
    /// Files of this test process (certificates), removed with the cluster at exit.
    public static let scratch: URL = {
        atexit { try? FileManager.default.removeItem(at: TestCluster.scratch) }
        return URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("garrison-tests-\(getpid())")
    }()

    /// The running cluster; a missing PostgreSQL fails the test with the message saying what to install.
    ///
    /// Starting it (initdb, pg_ctl) and creating databases wait for other programs and hold a lock meanwhile:
    /// that is done on a Dispatch thread, never on Swift's cooperative pool, whose two threads (on two cores)
    /// every in-process hub of the tests needs to answer.
    public static func cluster() async throws -> EmbeddedPostgres {
        try await offPool { try startedCluster() }
    }

    /// A new, empty deployment database (owner `garrison_owner`, app role `garrison_app`).
    public static func freshDatabase() async throws -> (cluster: EmbeddedPostgres, name: String) {
        try await offPool { try createdDatabase() }
    }

    /// A copy of a deployment database, as a backup taken of it now.
    ///
    /// The hub that was stopped before it has closed its connections, but PostgreSQL ends their backends a
    /// moment later, and `CREATE DATABASE … TEMPLATE` refuses a source with sessions: left-over sessions are
    /// terminated and the copy is tried again for up to 20 seconds.
    public static func copyDatabase(_ source: String, to copy: String) async throws {
        try await offPool {
            let cluster = try startedCluster()
            let deadline = Date().addingTimeInterval(20)
            while true {
                do {
                    try cluster.execute("""
                        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE datname = '\(source)' AND pid <> pg_backend_pid()
                        """)
                    try cluster.execute("CREATE DATABASE \(copy) TEMPLATE \(source) OWNER garrison_owner")
                    return
                } catch where "\(error)".contains("is being accessed by other users") && Date() < deadline {
                    Thread.sleep(forTimeInterval: 0.2)
                }
            }
        }
    }

    /// Runs blocking work (other programs, locks) on a Dispatch thread, off Swift's cooperative pool.
    public static func offPool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    private static func startedCluster() throws -> EmbeddedPostgres {
        try shared.withLock { state in
            if state == nil {
                do {
                    state = .success(try EmbeddedPostgres.start(durable: false))
                    atexit { TestCluster.stopAtExit() }
                } catch let error as EmbeddedPostgresError {
                    state = .failure(error)
                } catch {
                    state = .failure(EmbeddedPostgresError("\(error)"))
                }
            }
            return try state!.get()
        }
    }

    private static func createdDatabase() throws -> (cluster: EmbeddedPostgres, name: String) {
        let cluster = try startedCluster()
        let name = "garrison_test_\(getpid())_\(counter.wrappingAdd(1, ordering: .relaxed).newValue)"
        try creating.withLock { _ in try cluster.createDeploymentDatabase(name: name) }
        return (cluster, name)
    }

    private static func stopAtExit() {
        if case .success(let cluster)? = shared.withLock({ $0 }) { cluster.stop() }
        try? FileManager.default.removeItem(at: scratch)
    }
}
