import Dispatch
import GarrisonCore
import Synchronization

/// Many seeded schedules run across the cores (`garrison simulate --seeds A..B`): each is checked as a single
/// run is (nothing lost, nothing applied twice, every replica equal to the hub), and every failing seed is named
/// with what failed, so that `garrison simulate --seeds N..N` replays it.
public enum SimulationBatch {
    /// A seed whose run failed its checks.
    public struct Failure: Sendable, CustomStringConvertible {
        public let seed: UInt64
        public let lost: Int
        public let duplicated: Int
        public let divergent: [String]
        /// The schedule's faults (`SimulationConfig.faults`).
        public let faults: String

        public var description: String {
            "seed \(seed) [\(faults)]: lost=\(lost) duplicated=\(duplicated) converged=\(divergent.isEmpty)"
                + (divergent.isEmpty ? "" : " (\(divergent.prefix(3).joined(separator: "; "))\(divergent.count > 3 ? "; …" : ""))")
        }
    }

    /// What a batch did.
    public struct Outcome: Sendable {
        public let runs: Int
        public let failures: [Failure]
        public let changesApplied: Int
        public let lostMessages: Int
        public let hubRestores: Int
        /// Failovers of the hub's database to a standby (a new timeline, the same data), which cost no re-sync.
        public let hubFailovers: Int
        /// Reports that differ only by a change quarantined for an administrator (see `SimulationSummary`).
        public let awaitingAdministrator: Int
    }

    /// Runs every seed of `seeds` on `jobs` threads; `failed` is called (from any thread) for each failure as it
    /// comes, `progress` with the count done now and then.
    public static func run(
        seeds: ClosedRange<UInt64>, jobs: Int, sabotage: Sabotage? = nil,
        failed: @Sendable (Failure) -> Void = { _ in }, progress: @Sendable (Int) -> Void = { _ in }
    ) -> Outcome {
        let total = Int(seeds.upperBound - seeds.lowerBound) + 1
        let next = Atomic<Int>(0)
        let tally = Mutex<(done: Int, failures: [Failure], applied: Int, lostMessages: Int, restores: Int, failovers: Int, awaiting: Int)>(
            (0, [], 0, 0, 0, 0, 0))
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, total))) { _ in
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < total else { return }
                let seed = seeds.lowerBound + UInt64(index)
                let config = SimulationSchedule.config(seed: seed, sabotage: sabotage)
                var simulation = Simulation(config: config)
                let summary = simulation.run()
                let failure = summary.lost > 0 || summary.duplicated > 0 || !summary.converged
                    ? Failure(
                        seed: seed, lost: summary.lost, duplicated: summary.duplicated, divergent: summary.divergent,
                        faults: config.faults) : nil
                if let failure { failed(failure) }
                let done = tally.withLock { tally in
                    tally.done += 1
                    if let failure { tally.failures.append(failure) }
                    tally.applied += summary.changesApplied
                    tally.lostMessages += summary.lostMessages
                    tally.restores += simulation.events.hubRestores
                    tally.failovers += simulation.events.hubFailovers
                    tally.awaiting += summary.awaitingAdministrator
                    return tally.done
                }
                if done % 100 == 0 { progress(done) }
            }
        }
        return tally.withLock { tally in
            Outcome(
                runs: tally.done, failures: tally.failures.sorted { $0.seed < $1.seed }, changesApplied: tally.applied,
                lostMessages: tally.lostMessages, hubRestores: tally.restores,
                hubFailovers: tally.failovers, awaitingAdministrator: tally.awaiting)
        }
    }
}
