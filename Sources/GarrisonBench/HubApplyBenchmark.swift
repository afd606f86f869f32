import ArgumentParser
import Foundation
import GarrisonConfig
import GarrisonCore
import GarrisonEmbeddedPostgres
import GarrisonHub
import GarrisonHubClient
import GarrisonPKI
import GarrisonSimulation
import PostgresNIO

/// `garrison-bench hub-apply`: concurrent garrison nodes pushing batches of new and updated reports to a real hub
/// over mutual TLS, beside a COPY of the very rows the hub stored, into the same durable PostgreSQL.
///
/// Everything the nodes send is generated before anything is timed. The first batch of every pusher warms the
/// hub (connections, TLS sessions, caches) and is not timed. The baseline loads, in one transaction, the report,
/// note and feed rows the timed pushes left behind into copies of those tables with the same indexes and foreign
/// keys: the least work PostgreSQL can do to hold the same data, so the ratio is the price of the hub's sync.
struct HubApplyBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub-apply",
        abstract: "Push batches of report changes to a hub from concurrent nodes; COPY the same rows as a baseline.",
        discussion: "The last line is machine-readable: hub_changes_per_s=N copy_rows_per_s=M ratio=R"
    )

    @Option(help: "Concurrent pushers, one garrison node each (at most 17, the number of garrisons).")
    var pushers = 17

    @Option(help: "Batches per pusher; the first is the untimed warm-up.")
    var batches = 20

    @Option(help: "Changes per batch.")
    var batchSize = 1_000

    @Option(help: "Seed of the workloads (the same seed, nearly the same mix; ids and stamps follow the clock).")
    var seed: UInt64 = 42

    mutating func validate() throws {
        let garrisons = GarrisonRegistry.standard.garrisons.count
        guard (1...garrisons).contains(pushers) else { throw ValidationError("--pushers must be 1…\(garrisons).") }
        guard batches >= 2 else { throw ValidationError("--batches must be at least 2 (the first is the warm-up).") }
        guard (1...5_000).contains(batchSize) else { throw ValidationError("--batch-size must be 1…5000 (the hub's limit).") }
    }

    /// One node: its certificate and its whole queue, cut into batches.
    struct Pusher: Sendable {
        let garrison: GarrisonCode
        let credential: Credential
        let batches: [[QueuedChange]]
    }

    func run() async throws {
        var logger = Logger(label: "garrison.bench.hub-apply")
        logger.logLevel = .warning
        let clock = ContinuousClock()
        let generationStart = clock.now
        let queues = Self.generate(pushers: pushers, batches: batches, batchSize: batchSize, seed: seed)
        print("generated \(pushers * batches * batchSize) changes in \(Self.format(clock.now - generationStart)) s; "
            + "VmHWM \(Self.peakResidentMegabytes().map { String(format: "%.1f MB", $0) } ?? "n/a") before the hub starts")

        // Durable on purpose: fsync and synchronous_commit on, as in production; both sides pay for them.
        let cluster = try EmbeddedPostgres.start(durable: true, logger: logger)
        let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("garrison-hub-apply-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let database = "hub_apply"
            try cluster.createDeploymentDatabase(name: database)
            let hubRun = try await pushThroughHub(queues, cluster: cluster, database: database, scratch: scratch, logger: logger)
            let copyRun = try await Self.copyBaseline(cluster: cluster, database: database, scratch: scratch, logger: logger)
            cluster.stop()
            try? FileManager.default.removeItem(at: scratch)
            report(hubRun, copyRun)
        } catch {
            cluster.stop()
            try? FileManager.default.removeItem(at: scratch)
            throw error
        }
    }

    /// Per garrison a seeded workload: the first batch all new reports, then half new, half updates of its own.
    static func generate(pushers: Int, batches: Int, batchSize: Int, seed: UInt64) -> [(GarrisonCode, [[QueuedChange]])] {
        let codes = GarrisonRegistry.standard.garrisons.map(\.code).prefix(pushers)
        // Stamps end about now, one millisecond apart, so none lies in the hub's future.
        let startMillis = Int64(Date().timeIntervalSince1970 * 1000) - Int64(batches * batchSize)
        return codes.enumerated().map { index, code in
            var workload = GarrisonWorkload(
                garrison: code, site: SiteID(rawValue: "node-\(code.rawValue)"), seed: seed &* 1_000_003 &+ UInt64(index))
            let queue = (0..<batches).map { batch in
                (0..<batchSize).map { offset in
                    let seq = batch * batchSize + offset + 1
                    let change = workload.next(nowMillis: startMillis + Int64(seq), creationShare: batch == 0 ? 1 : 0.5)
                    return QueuedChange(seq: Int64(seq), change: change)
                }
            }
            return (code, queue)
        }
    }

    /// Starts the hub on the cluster, warms it with every pusher's first batch, then times the rest.
    private func pushThroughHub(
        _ queues: [(GarrisonCode, [[QueuedChange]])], cluster: EmbeddedPostgres, database: String, scratch: URL,
        logger: Logger
    ) async throws -> HubRun {
        let bench = try await BenchHub.start(cluster: cluster, database: database, scratch: scratch, logger: logger)
        let ca = bench.ca
        let pushers = try queues.map { code, batches in
            Pusher(garrison: code, credential: try ca.issueCredential(
                for: CertificateIdentity(role: .node, garrison: code, nodeID: "node-\(code.rawValue)")), batches: batches)
        }
        var clients: [HubClient] = []
        do {
            clients = try pushers.map {
                try HubClient(baseURL: bench.baseURL, certificatePEM: $0.credential.certificatePEM,
                    keyPEM: $0.credential.keyPEM, caPEM: ca.certificatePEM)
            }
            _ = try await Self.pushAll(pushers, clients: clients, batches: 0..<1)
            // The baseline copies what the timed pushes wrote: rows stamped at or after this mark. A checkpoint
            // first, so that neither side inherits the other's dirty pages.
            try cluster.execute("CREATE TABLE bench_mark AS SELECT now() AS t; CHECKPOINT", database: database)
            let bodies = try Self.encode(pushers, batches: 1..<batches)
            let start = ContinuousClock.now
            let latencies = try await Self.pushEncoded(pushers, bodies: bodies, clients: clients)
            let elapsed = ContinuousClock.now - start
            for client in clients { try await client.shutdown() }
            await bench.stop()
            let timed = pushers.flatMap { $0.batches[1...].joined() }
            return HubRun(
                changes: timed.count, creations: timed.count(where: { $0.change.kind == .create }), seconds: Self.seconds(elapsed),
                latencies: latencies)
        } catch {
            for client in clients { try? await client.shutdown() }
            await bench.stop()
            throw error
        }
    }

    /// Every pusher at once, each sending `batches` of its queue in order and awaiting each ack; the latencies.
    /// The bodies are encoded before the clock starts: what a node spends encoding is not the hub's time.
    static func pushAll(_ pushers: [Pusher], clients: [HubClient], batches: Range<Int>) async throws -> [Double] {
        let bodies = try Self.encode(pushers, batches: batches)
        return try await pushEncoded(pushers, bodies: bodies, clients: clients)
    }

    /// The push bodies of `batches` of every pusher, as the node would send them.
    static func encode(_ pushers: [Pusher], batches: Range<Int>) throws -> [[Data]] {
        let encoder = JSONEncoder()
        return try pushers.map { pusher in try pusher.batches[batches].map { try encoder.encode(PushRequest(changes: $0)) } }
    }

    /// Sends pre-encoded bodies, every pusher at once, checking each ack.
    static func pushEncoded(_ pushers: [Pusher], bodies: [[Data]], clients: [HubClient]) async throws -> [Double] {
        try await withThrowingTaskGroup(of: [Double].self) { group in
            for ((pusher, client), encoded) in zip(zip(pushers, clients), bodies) {
                group.addTask {
                    var latencies: [Double] = []
                    let decoder = JSONDecoder()
                    for body in encoded {
                        let start = ContinuousClock.now
                        let response = try await client.send(.POST, "/v1/sync/push", body: body)
                        latencies.append(Self.seconds(ContinuousClock.now - start))
                        let ack = try decoder.decode(PushAck.self, from: response.body)
                        guard ack.rejections.isEmpty else {
                            throw BenchmarkFailure("\(pusher.garrison): \(ack.rejections.count) rejections, e.g. \(ack.rejections.prefix(3))")
                        }
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    private func report(_ hub: HubRun, _ copy: CopyRun) {
        let hubRate = Double(hub.changes) / hub.seconds
        let copyRate = Double(hub.changes) / copy.seconds
        let sorted = hub.latencies.sorted()
        let percentile = { (p: Int) in String(format: "%.1f", sorted[min(sorted.count - 1, sorted.count * p / 100)] * 1e3) }
        let rows = [
            ("pushers × timed batches × size", "\(pushers) × \(batches - 1) × \(batchSize) (+1 untimed warm-up batch each), seed \(seed)"),
            ("changes pushed (timed)", "\(hub.changes), \(hub.creations) new reports and \(hub.changes - hub.creations) updates"),
            ("wall seconds", Self.format(hub.seconds)),
            ("hub changes/s", "\(Int(hubRate.rounded()))"),
            ("push latency ms p50/p90/p99/max", "\(percentile(50)) / \(percentile(90)) / \(percentile(99)) / "
                + String(format: "%.1f", (sorted.last ?? 0) * 1e3) + " (\(sorted.count) pushes)"),
            ("peak RSS (VmHWM)", Self.peakResidentMegabytes().map { String(format: "%.1f MB", $0) + " (hub, clients and the generated changes)" } ?? "n/a"),
            ("rows copied", "\(copy.reports) reports + \(copy.notes) notes + \(copy.feed) feed = \(copy.rows) rows, "
                + String(format: "%.1f MB", Double(copy.bytes) / 1_048_576)),
            ("COPY seconds", Self.format(copy.seconds) + " (one transaction, copies with the same indexes and foreign keys, no RLS)"),
            ("COPY rows/s", "\(Int((Double(copy.rows) / copy.seconds).rounded())) table rows/s = \(Int(copyRate.rounded())) changes/s"),
        ]
        // The pushers share this process and its cores with the hub (and PostgreSQL): a conservative hub figure.
        print("hub-apply: nodes → hub over mutual TLS vs COPY of the rows the hub stored, same durable PostgreSQL; "
            + "pushers, hub and PostgreSQL share \(ProcessInfo.processInfo.activeProcessorCount) cores")
        for (label, value) in rows { print(label.padding(toLength: 32, withPad: " ", startingAt: 0) + value) }
        print("hub_changes_per_s=\(Int(hubRate.rounded())) copy_rows_per_s=\(Int(copyRate.rounded())) "
            + "ratio=\(String(format: "%.2f", hubRate / copyRate))")
    }
}
