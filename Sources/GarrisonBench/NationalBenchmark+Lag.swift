import Foundation
import GarrisonConfig
import GarrisonCore
import GarrisonEmbeddedPostgres
import GarrisonNode
import GarrisonPKI
import GarrisonSimulation
import Logging

/// The national node's freshness under a steady load: 17 garrison nodes (each its own store and sync worker)
/// write a steady total of `rate` changes per second, push them to a real hub over mutual TLS (durable
/// PostgreSQL), and the national node follows all 17 feeds on the national benchmark's store. Each change's lag
/// is its hub commit to the national node's commit of the page that carried it (`NodeStore.startLagSampling`).
enum NationalLag {
    struct Figures {
        let seconds: Int
        let rate: Double
        let written: Int
        let samples: [Int64]
        let drained: Bool

        func quantile(_ q: Double) -> Int64 {
            guard !samples.isEmpty else { return -1 }
            let sorted = samples.sorted()
            return sorted[max(0, min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1))]
        }

        var p99: Int64 { quantile(0.99) }

        func print() {
            let rows = [
                ("lag: changes written", "\(written) in \(seconds) s at \(rate) changes/s over 17 garrison nodes (after 5 s of warm-up writes, not counted)"),
                ("lag: changes applied", "\(samples.count) at the national node\(drained ? "" : " (NOT all arrived within 120 s)")"),
                ("lag: hub commit → national", "p50 \(quantile(0.5)) ms, p90 \(quantile(0.9)) ms, p99 \(p99) ms, max \(samples.max() ?? -1) ms"),
            ]
            for (label, value) in rows { Swift.print(label.padding(toLength: 30, withPad: " ", startingAt: 0) + value) }
        }
    }

    static func measure(
        nationalStorePath: String, seconds: Int, rate: Double, scratch: URL, seed: UInt64, logger: Logger
    ) async throws -> Figures {
        let cluster = try EmbeddedPostgres.start(durable: true, logger: logger)
        defer { cluster.stop() }
        try cluster.createDeploymentDatabase(name: "national")
        let hub = try await BenchHub.start(cluster: cluster, database: "national", scratch: scratch, logger: logger)
        do {
            let figures = try await follow(
                hub: hub, nationalStorePath: nationalStorePath, seconds: seconds, rate: rate, scratch: scratch, seed: seed,
                logger: logger)
            await hub.stop()
            return figures
        } catch {
            await hub.stop()
            throw error
        }
    }

    private static func start(_ values: [String: String], name: String, hub: BenchHub, scratch: URL, logger: Logger) throws
        -> (Node, Task<Void, any Error>)
    {
        var all = [
            "hub.url": hub.baseURL, "api.address": "127.0.0.1:0",
            "tls.certificate": scratch.appendingPathComponent("\(name).pem").path,
            "tls.key": scratch.appendingPathComponent("\(name).key").path, "tls.ca": scratch.appendingPathComponent("ca.pem").path,
        ]
        all.merge(values) { $1 }
        let node = try buildNode(configuration: try NodeConfiguration(config: ConfigSource(values: all)), logger: logger)
        return (node, Task { try await node.run() })
    }

    private static func follow(
        hub: BenchHub, nationalStorePath: String, seconds: Int, rate: Double, scratch: URL, seed: UInt64, logger: Logger
    ) async throws -> Figures {
        var garrisons: [(code: GarrisonCode, node: Node, workload: GarrisonWorkload)] = []
        var tasks: [(Node, Task<Void, any Error>)] = []
        func stopAll() async {
            for (node, task) in tasks {
                await node.shutdown()
                _ = await task.result
            }
        }
        do {
            for (index, (code, _)) in NationalLoad.weights.enumerated() {
                let name = "node-\(code.rawValue)"
                try hub.ca.issueCredential(for: CertificateIdentity(role: .node, garrison: code, nodeID: name)).write(to: scratch, name: name)
                let (node, task) = try start(
                    ["node.garrison": code.rawValue, "store.path": scratch.appendingPathComponent("\(name).sqlite").path],
                    name: name, hub: hub, scratch: scratch, logger: logger)
                tasks.append((node, task))
                garrisons.append((code, node, GarrisonWorkload(garrison: code, site: SiteID(rawValue: name), seed: seed &+ UInt64(index))))
            }
            try hub.ca.issueCredential(for: CertificateIdentity(role: .national, nodeID: "national")).write(to: scratch, name: "national")
            let (national, nationalTask) = try start(
                ["node.role": "national", "store.path": nationalStorePath], name: "national", hub: hub, scratch: scratch, logger: logger)
            tasks.append((national, nationalTask))
            for (node, _) in tasks { _ = try await node.boundPort() }

            // Writers picked by population, at a steady pace.
            let total = NationalLoad.weights.reduce(0) { $0 + $1.1 }
            var cumulative: [Double] = []
            var sum = 0.0
            for (_, weight) in NationalLoad.weights {
                sum += weight / total
                cumulative.append(sum)
            }
            var random = SplitMix64(seed: seed)
            func write(_ count: Int) async throws {
                let clock = ContinuousClock()
                let began = clock.now
                for index in 0..<count {
                    try await clock.sleep(until: began + .seconds(Double(index) / rate))
                    let x = Double(random.next() % 1_000_000) / 1_000_000
                    let pick = cumulative.firstIndex { x < $0 } ?? cumulative.count - 1
                    let now = Int64(Date().timeIntervalSince1970 * 1000)
                    let change = garrisons[pick].workload.next(nowMillis: now, creationShare: 0.5)
                    let seq = try garrisons[pick].node.store.importLocal([change], author: "bench", nowMillis: now)
                    garrisons[pick].node.worker?.enqueued(through: seq)
                }
            }
            national.store.startLagSampling()
            try await write(Int(5 * rate))
            try await Task.sleep(for: .seconds(2))
            _ = national.store.takeLagSamples()  // the warm-up: connections opened, caches filled

            let count = Int(Double(seconds) * rate)
            try await write(count)
            var samples: [Int64] = []
            let deadline = ContinuousClock.now + .seconds(120)
            while samples.count < count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                samples += national.store.takeLagSamples()
            }
            await stopAll()
            return Figures(seconds: seconds, rate: rate, written: count, samples: samples, drained: samples.count >= count)
        } catch {
            await stopAll()
            throw error
        }
    }
}
