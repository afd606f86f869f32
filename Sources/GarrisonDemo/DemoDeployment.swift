import Foundation
import GarrisonCore
import Logging
import NIOPosix
import Synchronization

/// The running deployment of one demo and the run itself, step by step.
final class DemoDeployment: Sendable {
    let cluster: DemoCluster
    let ledger = DemoLedger()
    let parts = Mutex(Parts())

    struct Parts {
        var nodes: [GarrisonCode: DemoNode] = [:]
        var national: DemoNode?
        var links: [DemoLink] = []
        var inspector: HubInspector?
        var duplicate: DuplicateScenario?
        var conflict: ConflictScenario?
        var phase = "start"
    }

    init(cluster: DemoCluster) { self.cluster = cluster }

    func run(_ options: DemoOptions, places: DemoPlaces, logger: Logger, started: ContinuousClock.Instant) async throws -> DemoSummary {
        let inspector = HubInspector(cluster: cluster)
        parts.withLock { $0.inspector = inspector }
        let rollout = DemoRollout(cluster: cluster)
        for garrison in options.garrisons {
            let enrolled = try await rollout.enroll(garrison: garrison)
            try await rollout.promote(garrison, reason: "wave 1 pilot starts")
            let link = try await DemoLink.start(targetPort: cluster.hubPort, group: MultiThreadedEventLoopGroup.singleton)
            parts.withLock { $0.links.append(link) }
            let node = try await DemoNode.start(
                garrison: garrison, followed: [], enrolled: enrolled, cluster: cluster, link: link, logger: logger)
            parts.withLock { $0.nodes[garrison] = node }
        }
        let national = try await DemoNode.start(
            garrison: nil, followed: options.garrisons, enrolled: try await rollout.enroll(garrison: nil),
            cluster: cluster, link: nil, logger: logger)
        parts.withLock { $0.national = national }
        let nodes = parts.withLock { $0.nodes }
        // Live once each pilot node has synced: seen by the hub, its queue drained, nothing quarantined.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for garrison in options.garrisons { group.addTask { try await rollout.goLive(garrison) } }
            try await group.waitForAll()
        }

        // The load, with the scenarios on its timeline: the duplicate at 1/6, the cut from 1/3 to 2/3.
        let duration = Duration.seconds(options.duration)
        let cutOff: GarrisonCode = options.garrisons.contains("20") ? "20" : options.garrisons.last!
        let loadStart = ContinuousClock.now
        let end = loadStart + duration
        DemoOutput.step("load: \(options.rate) new reports/s over \(options.garrisons.count) garrisons for \(options.duration) s; "
            + "garrison \(cutOff) cut off from \(options.duration / 3) s to \(2 * options.duration / 3) s")
        setPhase("load")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for garrison in options.garrisons {
                let load = DemoLoad(
                    garrison: garrison, node: nodes[garrison]!, places: places, ledger: ledger, intake: cluster.intake,
                    rate: options.rate / Double(options.garrisons.count))
                group.addTask { await load.run(until: end) }
            }
            group.addTask { [self] in
                try await script(start: loadStart, duration: duration, cutOff: cutOff, nodes: nodes, national: national, options: options)
            }
            group.addTask { [self] in
                while ContinuousClock.now < end {
                    try await Task.sleep(until: min(ContinuousClock.now + .seconds(3), end))
                    await progress(since: loadStart)
                }
            }
            try await group.waitForAll()
        }
        try Task.checkCancellation()
        nodes[cutOff]?.link?.heal()

        // Convergence: bounded; measured every second once the queues look drained.
        setPhase("converge")
        let loadEnd = ContinuousClock.now
        var summary = try await measure(options, cutOff: cutOff, started: started)
        var lastProgress = ContinuousClock.now
        while !summary.succeeded, ContinuousClock.now < loadEnd + options.convergenceTimeout {
            try await Task.sleep(for: .seconds(1))
            if ContinuousClock.now - lastProgress >= .seconds(3) {
                await progress(since: loadStart)
                lastProgress = .now
            }
            summary = try await measure(options, cutOff: cutOff, started: started)
        }
        if summary.converged { summary.convergedAfterSeconds = Self.seconds(ContinuousClock.now - loadEnd) }
        await progress(since: loadStart)
        summary.elapsedSeconds = Self.seconds(ContinuousClock.now - started)
        return summary
    }

    /// The scenario's timeline beside the load.
    private func script(
        start: ContinuousClock.Instant, duration: Duration, cutOff: GarrisonCode, nodes: [GarrisonCode: DemoNode],
        national: DemoNode, options: DemoOptions
    ) async throws {
        if let crossing = BorderCrossing.between(options.garrisons) {
            try await Task.sleep(until: start + duration / 6)
            let duplicate = try await DuplicateScenario.file(at: crossing, nodes: nodes, national: national, ledger: ledger)
            parts.withLock { $0.duplicate = duplicate }
        } else {
            DemoOutput.step("no cross-border duplicate: no two of \(options.garrisons.map(\.rawValue).joined(separator: ", ")) share a border")
        }
        try await Task.sleep(until: start + duration / 3)
        nodes[cutOff]!.link!.sever()
        setPhase("cut-off \(cutOff)")
        DemoOutput.step("garrison \(cutOff) cut off from the hub (its node keeps taking its units' writes)")
        if let conflict = try await ConflictScenario.make(garrison: cutOff, node: nodes[cutOff]!, national: national, ledger: ledger) {
            parts.withLock { $0.conflict = conflict }
        } else {
            DemoOutput.step("no conflicting edit: garrison \(cutOff) had no report at the national node yet")
        }
        try await Task.sleep(until: start + duration * 2 / 3)
        nodes[cutOff]!.link!.heal()
        setPhase("healed")
        DemoOutput.step("garrison \(cutOff) reconnected: its node catches up")
    }

    private func setPhase(_ phase: String) { parts.withLock { $0.phase = phase } }

    /// One progress line on standard error.
    private func progress(since start: ContinuousClock.Instant) async {
        let (phase, nodes, national, inspector) = parts.withLock { ($0.phase, $0.nodes, $0.national, $0.inspector) }
        let atHub = (try? await inspector?.reportCounts().values.reduce(0, +)) ?? nil
        let conflicts = (try? await inspector?.conflictCounts().values.reduce(0, +)) ?? nil
        let atNational = try? national?.store.reportGarrisons().count
        let queued = (Array(nodes.values) + (national.map { [$0] } ?? [])).reduce(0) { $0 + ((try? $1.store.figures().queueDepth) ?? 0) }
        DemoOutput.progress("[\(phase)] t=\(Int(Self.seconds(ContinuousClock.now - start)))s made=\(ledger.madeCount) "
            + "at_hub=\(atHub.map(String.init) ?? "?") at_national=\(atNational.map(String.init) ?? "?") "
            + "queued=\(queued) conflicts=\(conflicts.map(String.init) ?? "?")")
    }

    /// Stops every part that was started, in reverse order; safe to call after a failure or a cancellation.
    func stop() async {
        let (nodes, national, links, inspector) = parts.withLock { ($0.nodes, $0.national, $0.links, $0.inspector) }
        // All at once: each node finishes its long-poll before it stops, so one after another adds up.
        await withTaskGroup(of: Void.self) { group in
            for node in Array(nodes.values) + (national.map { [$0] } ?? []) { group.addTask { await node.stop() } }
        }
        for link in links { await link.close() }
        await inspector?.close()
        await cluster.stop()
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
