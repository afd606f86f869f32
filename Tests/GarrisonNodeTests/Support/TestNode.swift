import Foundation
import GarrisonConfig
import GarrisonCore
import GarrisonNode
import GarrisonPKI
import GarrisonTestSupport
import Logging
import Testing

/// A real node in the test process: its own SQLite file, its certificate from the test PKI, syncing with a test
/// hub over mutual TLS, its local API on a free port. Backoff is short so tests do not wait for retries.
final class TestNode: Sendable {
    let node: Node
    let api: LocalAPIClient
    let storePath: String
    /// A voivodeship coordinator's token (every report of the garrison).
    let coordinator: String
    private let task: Task<Void, any Error>

    static func start(
        pki: TestPKI, hubURL: String, garrison: GarrisonCode = "20", storePath: String? = nil,
        extra: [String: String] = [:], clock: (@Sendable () -> Int64)? = nil
    ) async throws -> TestNode {
        let directory = pki.directory
        let national = extra["node.role"] == "national"
        let name = national ? "national" : "node-\(garrison.rawValue)"
        if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("\(name).pem").path) {
            try (national ? pki.national() : pki.node(garrison)).write(to: directory, name: name)
        }
        let path = storePath ?? directory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(6)).sqlite").path
        var values = [
            "node.garrison": garrison.rawValue, "store.path": path, "hub.url": hubURL,
            "tls.certificate": directory.appendingPathComponent("\(name).pem").path,
            "tls.key": directory.appendingPathComponent("\(name).key").path, "tls.ca": pki.caPath,
            "api.address": "127.0.0.1:0", "sync.backoff_base_ms": "50", "sync.backoff_ceiling_ms": "500",
            "sync.refused_backoff_base_ms": "100", "sync.refused_backoff_ceiling_ms": "500",
            "sync.pull_wait_seconds": "2", "hub.request_timeout_seconds": "15", "sync.reference_refresh_seconds": "1",
        ]
        values.merge(extra) { $1 }
        let configuration = try NodeConfiguration(config: ConfigSource(values: values))
        var logger = Logger(label: "test.node.\(garrison.rawValue)")
        logger.logLevel = ProcessInfo.processInfo.environment["GARRISON_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        let node = try clock.map { try buildNode(configuration: configuration, logger: logger, clock: $0) }
            ?? buildNode(configuration: configuration, logger: logger)
        let token = try node.store.issueToken(
            unit: nil, role: national ? .national : .voivodeship, label: "test coordinator", nowMillis: 1
        ).token
        let task = Task { try await node.run() }
        // Generous: on a loaded two-core machine many nodes start at once while the suites run in parallel.
        let port = try await node.boundPort(timeout: .seconds(120))
        return TestNode(node: node, api: LocalAPIClient(baseURL: "http://127.0.0.1:\(port)"), storePath: path, coordinator: token, task: task)
    }

    private init(node: Node, api: LocalAPIClient, storePath: String, coordinator: String, task: Task<Void, any Error>) {
        self.node = node
        self.api = api
        self.storePath = storePath
        self.coordinator = coordinator
        self.task = task
    }

    var store: NodeStore { node.store }

    /// Graceful shutdown, waited for within a deadline (see `BoundedStop`).
    func stop() async {
        await node.shutdown()
        await BoundedStop.await(task, "the test node \(storePath)")
    }

    /// Waits until `condition` holds, polling; fails with `what` after `timeout`.
    static func eventually(
        _ what: String, timeout: Duration = .seconds(120), _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("timed out after \(timeout) waiting until \(what)")
        throw LocalAPIClient.Failure("timed out waiting until \(what)")
    }

    /// Waits until the queue is empty and the last pull reached the hub's head.
    func drained(timeout: Duration = .seconds(180)) async throws {
        try await Self.eventually("the node's queue drains and it is caught up", timeout: timeout) {
            let status = try await api.status()
            return (status["queue_depth"] as? Int) == 0 && (status["caught_up"] as? Bool) == true
        }
    }

    /// Counties of podlaskie (garrison 20): 14 land counties and 3 cities (reference/counties.csv).
    static let podlaskie = (1...14).map { String(format: "20%02d", $0) } + ["2061", "2062", "2063"]
}
