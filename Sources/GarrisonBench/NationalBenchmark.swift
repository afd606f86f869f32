import ArgumentParser
import Foundation
import GarrisonCore
import GarrisonNode
import Logging

/// `garrison-bench national`: the national node at national scale. A store of N reports (a year of the 17
/// garrisons) answers the full national statistics from its pre-aggregated cells, timed beside the same answers
/// read from every report row (the path before the cells); then 17 garrison nodes push a steady stream of changes
/// through a real hub over mutual TLS and the national node, on that store, follows every feed: the lag from the
/// hub's commit to the national node's commit is measured for every change.
struct NationalBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "national",
        abstract: "National statistics at N reports (cells vs row scan) and the national node's lag behind 17 garrisons.",
        discussion: "The last line is machine-readable: reports=N stats_p50_ms=A stats_p95_ms=B lag_p99_ms=C"
    )

    @Option(help: "Reports in the national store.")
    var reports = 3_000_000

    @Option(help: "Timed rounds of the statistics queries from the cells (each round asks every query once).")
    var rounds = 10

    @Option(help: "Rounds of the baseline (every report row read), fewer: each takes seconds at national scale.")
    var baselineRounds = 1

    @Option(help: "Seconds of steady garrison writes for the lag measurement (0: skip it).")
    var lagSeconds = 60

    @Option(help: "Changes per second, all garrisons together, during the lag measurement.")
    var rate = 50.0

    @Option(help: "Keep the national store at this path and reuse it when it already holds the reports.")
    var store: String?

    @Option(help: "Seed of the synthetic reports.")
    var seed: UInt64 = 11

    mutating func validate() throws {
        guard reports >= 1 else { throw ValidationError("--reports must be at least 1.") }
        guard rounds >= 1, baselineRounds >= 0 else { throw ValidationError("--rounds ≥ 1, --baseline-rounds ≥ 0.") }
        guard lagSeconds >= 0, rate > 0 else { throw ValidationError("--lag-seconds ≥ 0 and --rate > 0.") }
    }

    func run() async throws {
        var logger = Logger(label: "garrison.bench.national")
        logger.logLevel = .warning
        let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("garrison-national-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let path = store ?? scratch.appendingPathComponent("national.sqlite").path
        let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)

        // 1. The store: N reports over the last 12 months, loaded through the node's own row write and cell upkeep.
        let load = try NationalLoad.prepare(path: path, reports: reports, nowMillis: nowMillis, seed: seed)
        let nationalStore = try NodeStore(path: path, principal: NationalLoad.principal)
        print("national store: \(load.reports) reports, \(load.describe)")

        // 2. The statistics, cells and baseline side by side on the same store and queries.
        let statistics = try NationalStatisticsTiming.run(
            store: nationalStore, nowMillis: nowMillis, rounds: rounds, baselineRounds: baselineRounds)
        statistics.print()

        // 3. Lag: 17 garrison nodes → hub → the national node on this store.
        var lag: NationalLag.Figures?
        if lagSeconds > 0 {
            lag = try await NationalLag.measure(
                nationalStorePath: path, seconds: lagSeconds, rate: rate, scratch: scratch, seed: seed, logger: logger)
            lag?.print()
        }
        let rss = HubApplyBenchmark.peakResidentMegabytes().map { String(format: "%.1f MB", $0) } ?? "n/a"
        print("peak RSS (VmHWM)".padding(toLength: 30, withPad: " ", startingAt: 0)
            + "\(rss) (the load, the statistics\(lagSeconds > 0 ? ", the hub, 17 garrison nodes and the national node" : "") in one process)")
        print("reports=\(load.reports) stats_p50_ms=\(Self.ms(statistics.cells.p50)) stats_p95_ms=\(Self.ms(statistics.cells.p95)) "
            + "lag_p99_ms=\(lag.map { "\($0.p99)" } ?? "n/a")")
    }

    static func ms(_ value: Double) -> String { String(format: "%.1f", value) }
}
