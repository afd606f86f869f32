import ArgumentParser
import Foundation
import GarrisonCore
import GarrisonSimulation

/// `garrison simulate`: the seeded in-process simulation of the hub, a node per garrison and the national node
/// (the same core the daemons are built on) with lost messages, crashed nodes and a garrison cut off for a
/// while. Deterministic for a seed, in simulated time; `garrison demo` runs the real daemons instead.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the seeded simulation of the whole system (simulated time) and print a summary per garrison.",
        discussion: """
            Simulates the hub, a node per garrison and the national node against each other with realistic load \
            (three pillars, DOMAIN.md's category mix, verification work, a cross-border duplicate, a \
            reassignment, a conflicting edit) and faults (lost requests and answers, node crashes, one \
            garrison cut off for the middle third), then heals and checks that nothing was lost or applied \
            twice and that every replica equals the hub.

            Example: garrison simulate --duration 60 --garrisons KSP,20,22 --json

            With --seeds A..B it runs one short fault schedule per seed instead (all 17 garrisons; the seed picks \
            the load, the loss of requests and answers, node crashes, the garrison cut off, clock skews, a hub \
            restore from an older backup or a failover of its database to a standby, which must cost no re-sync), on --jobs threads, prints one line per failing seed and a summary, and \
            exits 2 when any seed failed. --seeds N..N replays one. --sabotage breaks a part on purpose (merge, \
            planner, high_water) to show that the checks catch it: then the exit is 0 only if some seed failed.

            Example: garrison simulate --seeds 1..1000 --jobs 2
            """
    )

    @Option(help: "A range of seeds A..B: one fault schedule per seed, across the cores.")
    var seeds: String?

    @Option(help: "Threads for --seeds (default: the cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "With --seeds: break a part on purpose (merge, planner, high_water); the run must then fail.")
    var sabotage: Sabotage?

    @Option(help: "Seconds of simulated load before healing.")
    var duration: Int = 60

    @Option(help: "Comma-separated garrison codes with a node (default: all 17).")
    var garrisons: String?

    @Option(help: "New reports per second over all garrisons.")
    var rate: Double = 20

    @Option(help: "Seed of the run; the same seed replays the same run.")
    var seed: UInt64 = 2016

    @Option(help: "Probability that a request or its answer is lost.")
    var loss: Double = 0.05

    @Flag(help: "Print the summary as one line of JSON (last line of output).")
    var json = false

    func validate() throws {
        if seeds != nil { _ = try parsedSeeds() }
        guard (1...256).contains(jobs) else { throw ValidationError("--jobs is 1…256") }
        if sabotage != nil, seeds == nil { throw ValidationError("--sabotage goes with --seeds") }
        guard duration > 0, duration <= 86_400 else { throw ValidationError("--duration is 1…86400 seconds") }
        guard rate > 0, rate <= 10_000 else { throw ValidationError("--rate is a positive number of reports per second, at most 10000") }
        guard (0..<1).contains(loss) else { throw ValidationError("--loss is a probability in 0..<1") }
        _ = try parsedGarrisons()
    }

    func parsedGarrisons() throws -> [GarrisonCode] {
        guard let garrisons else { return GarrisonRegistry.standard.garrisons.map(\.code) }
        let codes = garrisons.split(separator: ",").map { GarrisonCode(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        if let unknown = codes.first(where: { !GarrisonRegistry.standard.contains($0) }) {
            throw ValidationError(
                "--garrisons: unknown garrison \"\(unknown)\"; codes are 02, 04, … 32 and KSP")
        }
        guard !codes.isEmpty else { throw ValidationError("--garrisons needs at least one garrison code") }
        return Array(Set(codes)).sorted()
    }

    func parsedSeeds() throws -> ClosedRange<UInt64> {
        let parts = (seeds ?? "").components(separatedBy: "..")
        guard parts.count == 2, let low = UInt64(parts[0]), let high = UInt64(parts[1]), low <= high,
            high - low < 10_000_000
        else { throw ValidationError("--seeds is A..B, e.g. 1..1000 (A ≤ B, fewer than ten million seeds)") }
        return low...high
    }

    func run() throws {
        if seeds != nil { return try runSeeds() }
        let config = SimulationConfig(
            seed: seed, garrisons: try parsedGarrisons(), durationSeconds: duration, reportsPerSecond: rate,
            lossRate: loss)
        var simulation = Simulation(config: config)
        let started = ContinuousClock.now
        let summary = simulation.run { progress in
            FileHandle.standardError.write(Data(
                "[\(progress.phase)] t=\(progress.simulatedSeconds)s made=\(progress.made) at_hub=\(progress.atHub) "
                    .appending("queued=\(progress.queued) conflicts=\(progress.conflicts)\n").utf8))
        }
        let elapsed = ContinuousClock.now - started
        print(summary.table)
        print("(simulated \(summary.simulatedSeconds) s in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))))")
        if !summary.divergent.isEmpty { print("divergent: " + summary.divergent.joined(separator: "; ")) }
        if json { print(summary.json) }
        if !summary.converged || summary.lost > 0 || summary.duplicated > 0 { throw ExitCode(2) }
    }

    /// `--seeds A..B`: a line per failing seed, progress on standard error, a summary line.
    private func runSeeds() throws {
        let range = try parsedSeeds()
        let started = ContinuousClock.now
        let outcome = SimulationBatch.run(
            seeds: range, jobs: jobs, sabotage: sabotage,
            failed: { failure in print("FAIL \(failure)  (replay: garrison simulate --seeds \(failure.seed)..\(failure.seed))") },
            progress: { done in FileHandle.standardError.write(Data("[seeds] \(done) done\n".utf8)) })
        let elapsed = (ContinuousClock.now - started).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))
        print("""
            simulate: \(outcome.runs) schedules (seeds \(range.lowerBound)..\(range.upperBound), 17 garrisons each\
            \(sabotage.map { ", \($0.rawValue) sabotaged" } ?? "")) in \(elapsed) on \(jobs) threads: \
            \(outcome.failures.count) failed; \(outcome.changesApplied) changes applied, \(outcome.lostMessages) messages lost, \
            \(outcome.hubRestores) hub restores, \(outcome.hubFailovers) database failovers, \(outcome.awaitingAdministrator) reports awaiting an administrator (quarantined)
            """)
        if sabotage != nil {
            // A part broken on purpose that no seed noticed means the checks are blind to it.
            guard !outcome.failures.isEmpty else {
                print("simulate: the \(sabotage!.rawValue) sabotage went unnoticed by every seed")
                throw ExitCode(2)
            }
            return
        }
        if !outcome.failures.isEmpty { throw ExitCode(2) }
    }
}

extension Sabotage: ExpressibleByArgument {}
