import Foundation
import GarrisonCore
import GarrisonNode
import GarrisonSimulation

/// The national benchmark's store: N synthetic reports over the 12 months before now, spread over the 17
/// garrisons roughly by population and over each garrison's counties, with DOMAIN.md's category mix, moved along
/// the status flow as units do (most read within hours, verified within days; some late, a few never), a few hidden.
/// They are stored with `NodeStore.bulkLoad`: the same row write and cell upkeep as a pulled change.
enum NationalLoad {
    static let principal = Principal(role: .national, site: "national")

    /// Residents in millions (2021 census, rounded; mazowieckie split between KSP and Radom).
    static let weights: [(GarrisonCode, Double)] = [
        ("02", 2.9), ("04", 2.0), ("06", 2.0), ("08", 1.0), ("10", 2.4), ("12", 3.4), ("14", 2.2), ("16", 0.95),
        ("18", 2.1), ("20", 1.15), ("22", 2.35), ("24", 4.4), ("26", 1.2), ("28", 1.4), ("30", 3.5), ("32", 1.65),
        ("KSP", 3.3),
    ]

    struct Summary {
        let reports: Int
        let describe: String
    }

    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    /// Loads the reports into the store at `path` unless it holds them already (`--store` reused).
    static func prepare(path: String, reports: Int, nowMillis: Int64, seed: UInt64) throws -> Summary {
        let store = try NodeStore(path: path, principal: principal)
        try store.savePhases(GarrisonRegistry.standard.garrisons.map { garrison in
            // Garrison 22 stays in its pilot: the public variant leaves it out.
            GarrisonPhase(garrison: garrison.code, name: garrison.name, wave: garrison.wave, phase: garrison.code == "22" ? .pilot : .live)
        }, nowMillis: nowMillis)
        let year = StatisticsQuery(fromMillis: nowMillis - 400 * day, toMillis: nowMillis + 1)
        let existing = try store.statistics(year, nowMillis: nowMillis).reports
        if existing >= reports {
            return Summary(reports: existing, describe: "reused from \(path)")
        }
        guard existing == 0 else {
            throw NodeStoreError("\(path) holds \(existing) reports, fewer than --reports \(reports): remove it first")
        }
        let clock = ContinuousClock()
        let began = clock.now
        var random = SplitMix64(seed: seed)
        var writers = Dictionary(uniqueKeysWithValues: weights.map { code, _ in
            (code, ReportWriter(clock: HybridClock(site: SiteID(rawValue: "node-\(code.rawValue)"))))
        })
        let total = weights.reduce(0) { $0 + $1.1 }
        var cumulative: [(GarrisonCode, Double)] = []
        var sum = 0.0
        for (code, weight) in weights {
            sum += weight / total
            cumulative.append((code, sum))
        }
        let counties = SimulationConfig.defaultCounties
        let start = nowMillis - 365 * day
        let span = Double(365 * day)
        var batch: [ReportState] = []
        batch.reserveCapacity(20_000)
        var made = 0
        var nextProgress = reports / 10
        while made < reports {
            // Creation times in order (ids are UUIDv7 of them: the table grows at its end), with jitter.
            let created = start + Int64(span * Double(made) / Double(reports)) + Int64(random.next() % 60_000)
            let x = Double(random.next() % 1_000_000) / 1_000_000
            let garrison = cumulative.first { x < $0.1 }?.0 ?? "KSP"
            let own = counties[garrison] ?? []
            let report = ReportWriter.NewReport(
                id: UUIDv7.make(millis: created, using: &random), garrison: garrison,
                county: own[Int(random.next() % UInt64(own.count))], category: CategoryMix.draw(using: &random),
                description: "Zgłoszenie \(made)", pillar: random.next() % 3 == 0 ? .policeSystems : .directContact)
            var writer = writers[garrison]!
            var state = ReportState(writer.create(report, nowMillis: created))
            advance(&state, created: created, nowMillis: nowMillis, writer: &writer, random: &random)
            writers[garrison] = writer
            batch.append(state)
            made += 1
            if batch.count == 20_000 || made == reports {
                try store.bulkLoad(batch, nowMillis: nowMillis)
                batch.removeAll(keepingCapacity: true)
            }
            if made >= nextProgress, made < reports {
                print("  … \(made) of \(reports) reports loaded (\(HubApplyBenchmark.format(clock.now - began)) s)")
                fflush(nil)  // shown as it happens when the output goes to a file or a pipe
                nextProgress += reports / 10
            }
        }
        let seconds = HubApplyBenchmark.seconds(clock.now - began)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Summary(
            reports: made,
            describe: "loaded in \(HubApplyBenchmark.format(seconds)) s (\(Int(Double(made) / seconds)) reports/s, row write and "
                + "cell upkeep of every report), SQLite file " + String(format: "%.0f MB", Double(bytes) / 1_048_576))
    }

    /// Moves a report along the flow as far as `nowMillis` allows: read after hours (5% late, 3% never), verified
    /// after days (10% late, 5% never), about half confirmed and part of those eliminated or handed over.
    private static func advance(
        _ state: inout ReportState, created: Int64, nowMillis: Int64, writer: inout ReportWriter, random: inout SplitMix64
    ) {
        func uniform(_ hours: ClosedRange<Int64>) -> Int64 {
            hours.lowerBound * hour + Int64(random.next() % UInt64((hours.upperBound - hours.lowerBound) * hour + 1))
        }
        func move(_ status: ReportStatus, at millis: Int64) -> Bool {
            guard millis < nowMillis, let change = try? writer.moveStatus(of: state, to: status, nowMillis: millis) else { return false }
            state.merge(ReportState(change))
            return true
        }
        let roll = random.next() % 1_000
        guard roll >= 30 else { return }
        let read = created + (roll < 80 ? uniform(48...120) : roll < 330 ? uniform(12...48) : uniform(0...12))
        guard move(.weryfikacja, at: read) else { return }
        let verifyRoll = random.next() % 1_000
        guard verifyRoll >= 50 else { return }
        let verified = read + (verifyRoll < 150 ? uniform(120...400) : verifyRoll < 450 ? uniform(72...120) : uniform(2...72))
        let outcomeRoll = random.next() % 100
        let outcome: ReportStatus = outcomeRoll < 55 ? .potwierdzone : outcomeRoll < 90 ? .niepotwierdzone : .zartLubPomylka
        guard move(outcome, at: verified), outcome == .potwierdzone else { return }
        let closing = random.next() % 100
        if closing < 40 {
            _ = move(.wyeliminowane, at: verified + uniform(24...720))
        } else if closing < 50 {
            _ = move(.przekazane, at: verified + uniform(1...72))
        }
        if random.next() % 1_000 < 3 {
            state.merge(ReportState(writer.set([.hidden: .bool(true)], on: state, nowMillis: verified)))
        }
    }
}
