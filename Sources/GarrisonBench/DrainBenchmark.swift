import ArgumentParser
import Foundation
import GarrisonConfig
import GarrisonCore
import GarrisonEmbeddedPostgres
import GarrisonNode
import GarrisonPKI
import GarrisonSimulation
import Logging

/// `garrison-bench drain`: a garrison node that worked offline comes back with a full queue and drains it to a real
/// hub over mutual TLS. Time runs from the node's start to its queue being empty (every change acknowledged
/// by the hub after its COMMIT). `Benchmarks/drain.sh` runs PostgreSQL's logical replication of the same number
/// of rows beside it.
struct DrainBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain",
        abstract: "Drain a node's offline queue of N changes to a hub; prints drain_rows_per_s.",
        discussion: "The last line is machine-readable: drain_rows_per_s=N"
    )

    @Option(help: "Changes queued while offline.")
    var changes = 100_000

    @Option(help: "The node's sync.push_batch.")
    var pushBatch = 1_000  // the node's default sync.push_batch

    @Option(help: "Share of the queue that creates reports (the rest updates them: status steps, notes, units).")
    var creationShare = 0.5

    @Option(help: "Seed of the workload.")
    var seed: UInt64 = 7

    mutating func validate() throws {
        guard changes >= 1 else { throw ValidationError("--changes must be at least 1.") }
        guard (1...5_000).contains(pushBatch) else { throw ValidationError("--push-batch must be 1…5000 (the hub's limit).") }
    }

    func run() async throws {
        var logger = Logger(label: "garrison.bench.drain")
        logger.logLevel = .warning
        let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("garrison-drain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let cluster = try EmbeddedPostgres.start(durable: true, logger: logger)
        defer { cluster.stop() }
        try cluster.createDeploymentDatabase(name: "drain")
        let hub = try await BenchHub.start(cluster: cluster, database: "drain", scratch: scratch, logger: logger)
        do {
            try await drain(hub: hub, scratch: scratch, logger: logger)
            await hub.stop()
        } catch {
            await hub.stop()
            throw error
        }
    }

    private func drain(hub: BenchHub, scratch: URL, logger: Logger) async throws {
        try hub.ca.issueCredential(for: CertificateIdentity(role: .node, garrison: "20", nodeID: "node-20"))
            .write(to: scratch, name: "node-20")
        let storePath = scratch.appendingPathComponent("node-20.sqlite").path

        // The offline work: queued through the node's own store, as units' writes are (checked, merged, history).
        let fill = ContinuousClock.now
        let store = try NodeStore(path: storePath, principal: Principal(role: .node, garrison: "20", site: "node-20"))
        var workload = GarrisonWorkload(garrison: "20", site: "node-20", seed: seed)
        let start = Int64(Date().timeIntervalSince1970 * 1000) - Int64(changes)
        var made = 0
        while made < changes {
            let count = min(5_000, changes - made)
            let batch = (0..<count).map { offset in
                workload.next(nowMillis: start + Int64(made + offset), creationShare: made + offset < 1_000 ? 1 : creationShare)
            }
            try store.importLocal(batch, author: "bench", nowMillis: start + Int64(made))
            made += count
        }
        let fillSeconds = HubApplyBenchmark.seconds(ContinuousClock.now - fill)
        let queued = try store.figures().queueDepth
        let databaseBytes = (try? FileManager.default.attributesOfItem(atPath: storePath)[.size] as? Int) ?? 0

        let configuration = try NodeConfiguration(config: ConfigSource(values: [
            "node.garrison": "20", "store.path": storePath, "hub.url": hub.baseURL,
            "tls.certificate": scratch.appendingPathComponent("node-20.pem").path,
            "tls.key": scratch.appendingPathComponent("node-20.key").path,
            "tls.ca": scratch.appendingPathComponent("ca.pem").path, "api.address": "127.0.0.1:0",
            "sync.push_batch": "\(pushBatch)",
        ]))
        let clock = ContinuousClock()
        let began = clock.now
        let node = try buildNode(configuration: configuration, logger: logger)
        let task = Task { try await node.run() }
        var lastPrint = began
        while try node.store.figures().queueDepth > 0 {
            try await Task.sleep(for: .milliseconds(10))
            if clock.now - lastPrint > .seconds(5) {
                lastPrint = clock.now
                print("  … \(queued - (try node.store.figures().queueDepth)) of \(queued) acknowledged")
            }
        }
        let seconds = HubApplyBenchmark.seconds(clock.now - began)
        let status = node.worker?.status
        await node.shutdown()
        _ = await task.result

        let rate = Double(queued) / seconds
        let rows = [
            ("changes queued offline", "\(queued) (\(Int(creationShare * 100))% new reports after the first 1,000), seed \(seed)"),
            ("queue filled in", HubApplyBenchmark.format(fillSeconds) + " s (not timed); SQLite file " + String(format: "%.1f MB", Double(databaseBytes) / 1_048_576)),
            ("push batch", "\(pushBatch) changes"),
            ("drain seconds", HubApplyBenchmark.format(seconds) + " (node start → queue empty, every change acknowledged after the hub's COMMIT)"),
            ("drain changes/s", "\(Int(rate.rounded()))"),
            ("push failures / rejections", "\(status?.pushFailures ?? -1) / \(status?.rejections ?? -1)"),
            ("peak RSS (VmHWM)", HubApplyBenchmark.peakResidentMegabytes().map { String(format: "%.1f MB", $0) + " (node and hub in one process)" } ?? "n/a"),
        ]
        print("drain: a node's offline queue → hub over mutual TLS, durable SQLite and PostgreSQL; node, hub and PostgreSQL "
            + "share \(ProcessInfo.processInfo.activeProcessorCount) cores")
        for (label, value) in rows { print(label.padding(toLength: 28, withPad: " ", startingAt: 0) + value) }
        print("drain_rows_per_s=\(Int(rate.rounded()))")
    }
}
