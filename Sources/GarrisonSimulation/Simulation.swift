import GarrisonCore

/// A seeded, in-process run of the whole system: the hub, a node per garrison and the national node, all
/// driven by the same core the daemons use, with lost requests, lost answers, process crashes and a garrison
/// cut off for a while. Deterministic for a seed, so a failing run can be replayed exactly.
public struct Simulation {
    public let config: SimulationConfig
    var hub = SimulatedHub()
    var nodes: [GarrisonCode: SimulatedNode] = [:]
    var national: SimulatedNode
    var random: SplitMix64
    var nowMillis: Int64 = 1_790_000_000_000
    /// Every report made, by the garrison it was made for.
    var madeFor: [String: GarrisonCode] = [:]
    var intakeWriter = ReportWriter(clock: HybridClock(site: "hub-intake"))
    var ticks = 0
    var events = SimulationEvents()
    var hubBackup: SimulatedHub?
    static let tickMillis: Int64 = 100

    public init(config: SimulationConfig) {
        self.config = config
        self.random = SplitMix64(seed: config.seed)
        hub.sabotage = config.sabotage
        for (index, code) in config.garrisons.enumerated() {
            let principal = Principal(role: .node, garrison: code, site: SiteID(rawValue: "node-\(code)"))
            nodes[code] = SimulatedNode(principal: principal, settings: config.sync, seed: config.seed &+ UInt64(index) &* 7919)
            nodes[code]!.sabotage = config.sabotage
        }
        // The national node pulls each garrison's feed in a lane of its own, as the daemon does.
        national = SimulatedNode(
            principal: Principal(role: .national, site: "national"), settings: config.sync, seed: config.seed ^ 0xA5A5,
            feeds: config.garrisons)
        national.sabotage = config.sabotage
    }

    /// A garrison node's clock: the simulation's, off by the configured skew.
    func clock(of garrison: GarrisonCode) -> Int64 { nowMillis + config.clockSkewMillis[garrison, default: 0] }

    /// Runs the load for the configured duration, then heals every fault and runs until the system is quiet.
    public mutating func run(progress: (SimulationProgress) -> Void = { _ in }) -> SimulationSummary {
        let loadTicks = config.durationSeconds * 1_000 / Int(Self.tickMillis)
        let progressEvery = max(1, loadTicks / 12)
        for tick in 0..<loadTicks {
            let phase = Double(tick) / Double(max(1, loadTicks))
            let cutOff = (1.0 / 3.0..<2.0 / 3.0).contains(phase) ? config.partitioned : nil
            for (code, _) in nodes { nodes[code]!.online = code != cutOff }
            generateLoad(cutOff: cutOff, phase: phase)
            if let restore = config.hubRestore {
                if hubBackup == nil, phase >= restore.backupAt { hubBackup = hub }
                if let backup = hubBackup, events.hubRestores == 0, phase >= restore.restoreAt {
                    hub = hub.restored(from: backup)
                    events.hubRestores += 1
                }
            }
            if let failover = config.hubFailover, events.hubFailovers == 0, phase >= failover.at {
                hub.failOver(nowMillis: nowMillis, twoInstances: failover.twoInstances, lagMillis: 3_000)
                events.hubFailovers += 1
            }
            crashSomeNodes()
            syncAll(lossRate: config.lossRate)
            advance()
            if tick % progressEvery == 0 { progress(snapshot(phase: "load")) }
        }
        for code in nodes.keys { nodes[code]!.online = true }
        var healTicks = 0
        while !isQuiet() && healTicks < 20_000 {
            syncAll(lossRate: 0)
            advance()
            healTicks += 1
        }
        progress(snapshot(phase: "healed"))
        return summarize(healTicks: healTicks)
    }

    mutating func advance() {
        nowMillis += Self.tickMillis
        ticks += 1
    }

    func snapshot(phase: String) -> SimulationProgress {
        SimulationProgress(
            phase: phase, simulatedSeconds: ticks * Int(Self.tickMillis) / 1_000, made: madeFor.count,
            atHub: hub.states.count, queued: nodes.values.map(\.queueDepth).reduce(0, +) + national.queueDepth,
            conflicts: hub.conflicts.count)
    }

    /// Quiet: nothing queued anywhere and every node has pulled the whole feed.
    func isQuiet() -> Bool {
        return ([national] + Array(nodes.values)).allSatisfy { $0.queueDepth == 0 && $0.caughtUp(head: hub.head(of:)) }
    }

    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &random) < probability }
    mutating func pick<T>(_ items: [T]) -> T? {
        items.isEmpty ? nil : items[Int.random(in: 0..<items.count, using: &random)]
    }
}

/// Where a running simulation is.
public struct SimulationProgress: Sendable {
    public let phase: String
    public let simulatedSeconds: Int
    public let made: Int
    public let atHub: Int
    public let queued: Int
    public let conflicts: Int
}

/// Counters of what the workload did.
struct SimulationEvents {
    var statusMoves = 0
    var duplicateLinks = 0
    var reassignments = 0
    var conflictingEdits = 0
    var confirmations = 0
    var lostMessages = 0
    var hubRestores = 0
    var hubFailovers = 0
}
