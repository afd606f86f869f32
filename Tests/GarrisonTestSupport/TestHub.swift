import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GarrisonConfig
import GarrisonCore
import GarrisonEmbeddedPostgres
import GarrisonHub
import GarrisonHubClient
import GarrisonPKI
import Logging
import PostgresNIO
import Synchronization

/// A real hub on a fresh database of the test cluster, over real mutual TLS, with every garrison in phase
/// `live` unless a test says otherwise.
public final class TestHub: Sendable {
    public let pki: TestPKI
    public let cluster: EmbeddedPostgres
    public let database: String
    public let hub: Hub
    public let port: Int
    private let task: Task<Void, any Error>

    public static func start(pki: TestPKI? = nil, database: (EmbeddedPostgres, String)? = nil, livePhases: Bool = true,
                      extra: [String: String] = [:]) async throws -> TestHub {
        let pki = try pki ?? TestPKI()
        let (cluster, name): (EmbeddedPostgres, String)
        if let database { (cluster, name) = database } else { (cluster, name) = try await TestCluster.freshDatabase() }
        var values = [
            "listen.address": "127.0.0.1:0", "ops.address": "127.0.0.1:0",
            "tls.certificate": pki.certificatePath, "tls.key": pki.keyPath, "tls.ca": pki.caPath,
            "database.host": cluster.socketDirectory, "database.port": "\(cluster.port)", "database.name": name,
            "database.user": "garrison_app", "database.migrate": "true", "migration.user": "garrison_owner",
            "limits.max_wait_seconds": "30",
        ]
        values.merge(extra) { $1 }
        let configuration = try HubConfiguration(config: ConfigSource(values: values))
        var logger = Logger(label: "test.hub")
        logger.logLevel = ProcessInfo.processInfo.environment["GARRISON_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let hub = buildHub(configuration: configuration, logger: logger)
        // A hub that ends before it listens (an address in use, a database it cannot use) fails the start with
        // its own error at once, not with the listener's timeout.
        let ended = Ended()
        let task = Task {
            do {
                try await hub.run()
                ended.why.withLock { $0 = "it returned" }
            } catch {
                ended.why.withLock { $0 = "\(error)" }
                throw error
            }
        }
        let port: Int
        do {
            port = try await waitForListener(hub, ended: ended)
        } catch {
            task.cancel()
            _ = await BoundedStop.ended(task, within: .seconds(30))
            throw error
        }
        let testHub = TestHub(pki: pki, cluster: cluster, database: name, hub: hub, port: port, task: task)
        if livePhases { try testHub.sql("UPDATE garrisons SET phase = 'live'") }
        return testHub
    }

    private init(pki: TestPKI, cluster: EmbeddedPostgres, database: String, hub: Hub, port: Int, task: Task<Void, any Error>) {
        self.pki = pki
        self.cluster = cluster
        self.database = database
        self.hub = hub
        self.port = port
        self.task = task
    }

    struct StartFailure: Error, CustomStringConvertible { let description: String }

    /// Why the hub's run ended, once it has.
    final class Ended: Sendable { let why = Mutex<String?>(nil) }

    private static func waitForListener(_ hub: Hub, ended: Ended) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if let port = try? await hub.boundPort(timeout: .milliseconds(50)) { return port }
            if let why = ended.why.withLock({ $0 }) { throw StartFailure(description: "the test hub ended before it listened: \(why)") }
        }
        return try await hub.boundPort(timeout: .zero)
    }

    /// Stops the hub (graceful shutdown) and waits for it, within a deadline (see `BoundedStop`).
    public func stop() async {
        await hub.shutdown()
        await BoundedStop.await(task, "the test hub on port \(port)")
    }

    /// Runs `body` against a new hub and stops the hub afterwards, whatever happens.
    public static func with<T>(livePhases: Bool = true, _ body: (TestHub) async throws -> T) async throws -> T {
        let hub = try await start(livePhases: livePhases)
        do {
            let result = try await body(hub)
            await hub.stop()
            return result
        } catch {
            await hub.stop()
            throw error
        }
    }

    /// Runs SQL as the superuser in the hub's database (test set-up and inspection only).
    public func sql(_ statement: String) throws { try cluster.execute(statement, database: database) }

    /// The hub by a name its certificate carries (`localhost`), never by IP: the client checks the name.
    public var baseURL: String { "https://localhost:\(port)" }

    /// The enrollment listener's URL (the hub was started with `enrollment.ca_key`, see `enrollmentSettings`).
    public func enrollmentURL() async throws -> String { "https://localhost:\(try await hub.boundPort("enroll"))" }

    /// The hub keys that turn enrollment on, on a free port, with the test PKI's CA key.
    public static func enrollmentSettings(_ pki: TestPKI) -> [String: String] {
        ["enrollment.ca_key": pki.caKeyPath, "enrollment.address": "127.0.0.1:0"]
    }

    /// A GET on the plain-HTTP ops listener (`/healthz`, `/readyz`, `/metrics`), as text.
    public func opsText(_ path: String) async throws -> String {
        let port = try await hub.boundPort("ops")
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs `body` with a client presenting `credential`, shut down afterwards whatever happens.
    public func withClient<T>(_ credential: Credential, _ body: (HubClient) async throws -> T) async throws -> T {
        let client = try client(credential)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    public func client(_ credential: Credential) throws -> HubClient {
        try HubClient(
            baseURL: baseURL, certificatePEM: credential.certificatePEM, keyPEM: credential.keyPEM,
            caPEM: pki.ca.certificatePEM)
    }

    /// A PostgreSQL connection pool as `user` (the superuser `postgres` for inspection, or the app role).
    public func withDatabase<T: Sendable>(user: String = "postgres", _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: .init(
            unixSocketPath: "\(cluster.socketDirectory)/.s.PGSQL.\(cluster.port)", username: user, password: nil, database: database))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
