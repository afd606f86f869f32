import Foundation
import GarrisonCore
import GarrisonNode

/// Times the national statistics the API answers (`GET /v1/stats`, `/v1/public/stats`: the last 365 days, by
/// month, week and day, the whole country and single garrisons), each timed from the query to its JSON, from the
/// cells and, beside it, from every report row.
struct NationalStatisticsTiming {
    struct Series {
        var samples: [Double] = []
        var p50: Double { quantile(0.5) }
        var p95: Double { quantile(0.95) }
        var max: Double { samples.max() ?? 0 }

        func quantile(_ q: Double) -> Double {
            guard !samples.isEmpty else { return 0 }
            let sorted = samples.sorted()
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1))]
        }
    }

    let queries: [(label: String, query: StatisticsQuery)]
    var cells = Series()
    var baseline = Series()
    var perQuery: [String: Series] = [:]
    var compared = 0
    var mismatches: [String] = []
    var rounds = 0

    static func run(store: NodeStore, nowMillis: Int64, rounds: Int, baselineRounds: Int) throws -> NationalStatisticsTiming {
        let from = nowMillis + 1 - 365 * 86_400_000
        var queries: [(label: String, query: StatisticsQuery)] = []
        for period in StatisticsQuery.Period.allCases {
            for publicOnly in [false, true] {
                queries.append(("\(publicOnly ? "public" : "internal") \(period.rawValue)",
                    StatisticsQuery(fromMillis: from, toMillis: nowMillis + 1, period: period, publicOnly: publicOnly)))
            }
        }
        queries.append(("internal month, garrison 14", StatisticsQuery(fromMillis: from, toMillis: nowMillis + 1, garrison: "14")))
        queries.append(("public day, garrison KSP",
            StatisticsQuery(fromMillis: from, toMillis: nowMillis + 1, period: .day, publicOnly: true, garrison: .ksp)))
        var timing = NationalStatisticsTiming(queries: queries)
        timing.rounds = rounds
        let encoder = JSONEncoder()
        let clock = ContinuousClock()
        // One untimed round: the first read of each page comes from disk, not from the page cache.
        for (_, query) in queries { _ = try encoder.encode(try store.statistics(query, nowMillis: nowMillis)) }
        var fromCells: [String: Statistics] = [:]
        for _ in 0..<rounds {
            for (label, query) in queries {
                let began = clock.now
                let answer = try store.statistics(query, nowMillis: nowMillis)
                _ = try encoder.encode(answer)
                let ms = HubApplyBenchmark.seconds(clock.now - began) * 1e3
                timing.cells.samples.append(ms)
                timing.perQuery[label, default: Series()].samples.append(ms)
                fromCells[label] = answer
            }
        }
        for round in 0..<baselineRounds {
            for (label, query) in queries {
                let began = clock.now
                let answer = try store.statisticsByScan(query, nowMillis: nowMillis)
                _ = try encoder.encode(answer)
                timing.baseline.samples.append(HubApplyBenchmark.seconds(clock.now - began) * 1e3)
                if round == 0 {
                    timing.compared += 1
                    if answer != fromCells[label] { timing.mismatches.append(label) }
                }
            }
        }
        return timing
    }

    func print() {
        let ms = NationalBenchmark.ms
        Swift.print("statistics: \(queries.count) queries (365 days; month, week, day; internal and public; single garrisons), "
            + "each timed from the query to its JSON, one untimed warm-up round first")
        for (label, _) in queries {
            let series = perQuery[label] ?? Series()
            Swift.print("  " + label.padding(toLength: 30, withPad: " ", startingAt: 0) + "cells p50 \(ms(series.p50)) ms, max \(ms(series.max)) ms")
        }
        let rows = [
            ("cells (aggregated)", "p50 \(ms(cells.p50)) ms, p95 \(ms(cells.p95)) ms, max \(ms(cells.max)) ms over \(cells.samples.count) answers"),
            ("baseline (every row)", baseline.samples.isEmpty ? "not run (--baseline-rounds 0)"
                : "p50 \(ms(baseline.p50)) ms, p95 \(ms(baseline.p95)) ms, max \(ms(baseline.max)) ms over \(baseline.samples.count) answers"),
            ("speed-up at p50", baseline.samples.isEmpty ? "n/a" : String(format: "%.0f×", baseline.p50 / Swift.max(cells.p50, 0.001))),
            ("answers equal", compared == 0 ? "not compared" : mismatches.isEmpty ? "yes, all \(compared) (cells = row scan)"
                : "NO: \(mismatches.joined(separator: "; "))"),
        ]
        for (label, value) in rows { Swift.print(label.padding(toLength: 30, withPad: " ", startingAt: 0) + value) }
    }
}
