import GarrisonCore

/// A garrison's node (or the national node) as the simulation runs it: a durable store (states, queue,
/// checkpoint) that survives crashes, and the core's `NodeSyncMachine`, which does not.
struct SimulatedNode {
    let principal: Principal
    var writer: ReportWriter
    /// Durable: the local replica, the outbound queue and the sync checkpoint.
    private(set) var states: [String: ReportState] = [:]
    private(set) var queue: [QueuedChange] = []
    private(set) var rejected: [Rejection] = []
    /// Changes the machine set aside (the hub kept refusing them alone), kept out of the queue.
    private(set) var setAside: [QueuedChange] = []
    private(set) var conflicts: [String: ConflictRecord] = [:]
    /// The checkpoint as last committed with the store; a crash restarts the machine from it.
    private var persisted = SyncCheckpoint.initial
    private var nextSeq: Int64 = 1
    /// Volatile: lost in a crash.
    var machine: NodeSyncMachine<SplitMix64>
    private var randomSeed: UInt64
    var online = true
    private(set) var crashes = 0
    private(set) var resyncs = 0
    /// `.merge` breaks this node's merge of pulled changes on purpose (see `Sabotage`).
    var sabotage: Sabotage?
    /// Hub-commit-to-local-apply delays of pulled entries, in milliseconds, by the entry's garrison.
    private(set) var lagSamples: [GarrisonCode: [Int64]] = [:]

    /// The national node's pull lanes, one per followed garrison with its own machine and cursor, as the daemon
    /// runs them (`SyncWorker`); empty for a garrison's node, whose `machine` both pushes and pulls.
    private(set) var lanes: [GarrisonCode: Lane] = [:]

    /// One garrison's feed as the national node pulls it: a machine of its own and its stored checkpoint.
    struct Lane {
        var machine: NodeSyncMachine<SplitMix64>
        var persisted = SyncCheckpoint.initial
    }

    /// `feeds`: the garrisons the national node follows, each in a lane of its own (nil: a garrison's node).
    init(principal: Principal, settings: SyncSettings, seed: UInt64, feeds: [GarrisonCode]? = nil) {
        self.principal = principal
        self.writer = ReportWriter(clock: HybridClock(site: principal.site))
        self.randomSeed = seed
        self.machine = NodeSyncMachine(settings: settings, checkpoint: .initial, random: SplitMix64(seed: seed))
        for (index, garrison) in (feeds ?? []).enumerated() {
            lanes[garrison] = Lane(machine: NodeSyncMachine(
                settings: settings, checkpoint: .initial, random: SplitMix64(seed: seed &+ UInt64(index + 1) &* 104_729)))
        }
    }

    /// Puts back a lane's machine after the simulation drove it (its checkpoint is stored by `perform`).
    mutating func setLane(_ garrison: GarrisonCode, _ machine: NodeSyncMachine<SplitMix64>) {
        lanes[garrison]!.machine = machine
    }

    /// Whether every pull lane has applied the whole feed of its garrison (`head`) and knows it.
    func caughtUp(head: (GarrisonCode) -> Int64) -> Bool {
        let pullers = lanes.isEmpty ? principal.garrison.map { [($0, machine)] } ?? [] : lanes.map { ($0.key, $0.value.machine) }
        return pullers.allSatisfy { $0.1.checkpoint.cursor >= head($0.0) && $0.1.status.caughtUp }
    }

    var queueDepth: Int { queue.count }

    /// A unit's write: the state and the queued change commit together (one SQLite transaction in the daemon).
    mutating func commit(_ change: Change, nowMillis: Int64) {
        let outcome = MergeEngine.apply(change, to: states[change.reportID], nowMillis: nowMillis)
        states[change.reportID] = outcome.state
        queue.append(QueuedChange(seq: nextSeq, change: change))
        machine.enqueued(through: nextSeq)
        nextSeq += 1
        persisted = machine.checkpoint
    }

    /// The node process dies and restarts: everything volatile is rebuilt from the durable store.
    mutating func crash() {
        crashes += 1
        randomSeed &+= 1
        machine = NodeSyncMachine(settings: machine.settings, checkpoint: persisted, random: SplitMix64(seed: randomSeed))
        for (garrison, lane) in lanes.sorted(by: { $0.key < $1.key }) {
            randomSeed &+= 1
            lanes[garrison]!.machine = NodeSyncMachine(
                settings: machine.settings, checkpoint: lane.persisted, random: SplitMix64(seed: randomSeed))
        }
        for change in queue.map(\.change) { writer.observe(change, nowMillis: 0) }
    }

    /// The changes a push of `fromSeq`/`limit` sends.
    func batch(fromSeq: Int64, limit: Int) -> [QueuedChange] {
        Array(queue.drop { $0.seq < fromSeq }.prefix(limit))
    }

    /// Carries out the machine's effects against the durable store.
    mutating func perform(_ effects: [SyncEffect], nowMillis: Int64) {
        for effect in effects {
            switch effect {
            case .deleteAcknowledged(let through):
                queue.removeAll { $0.seq <= through }
            case .recordRejections(let rejections):
                rejected += rejections
            case .applyPage(let entries, _):
                apply(entries, nowMillis: nowMillis)
            case .keepUnreadable:
                break  // the simulated hub sends only changes it encoded itself
            case .setAside(let aside):
                setAside += queue.filter { $0.seq == aside.seq }
                queue.removeAll { $0.seq == aside.seq }
            case .adoptHub:
                break  // the checkpoint below carries it
            case .resync:
                resync()
            }
        }
        // The store commits the effects and the machine's checkpoint (cursor, acks, hub) in one transaction.
        persisted = machine.checkpoint
    }

    /// Carries out a national pull lane's effects: its pages, and on a hub restore a re-sync of the lane alone
    /// (the national node's own writes are re-queued by the push lane, as in the daemon).
    mutating func perform(_ effects: [SyncEffect], lane garrison: GarrisonCode, nowMillis: Int64) {
        for effect in effects {
            switch effect {
            case .applyPage(let entries, _):
                apply(entries, nowMillis: nowMillis)
            case .resync(let reason):
                resyncs += 1
                lanes[garrison]!.machine.resyncCompleted(queueHead: 0)
                // The push lane re-queues the node's own writes now, not at its next push (there may be none).
                let hub = effects.compactMap { if case .adoptHub(let hub) = $0 { hub } else { nil } }.first
                if let hub { perform(machine.resync(reason: "feed \(garrison): \(reason)", hub: hub), nowMillis: nowMillis) }
            case .deleteAcknowledged, .recordRejections, .keepUnreadable, .setAside, .adoptHub:
                break
            }
        }
        lanes[garrison]!.persisted = lanes[garrison]!.machine.checkpoint
    }

    private mutating func apply(_ entries: [FeedEntry], nowMillis: Int64) {
        for entry in entries {
            writer.observe(entry.change, nowMillis: nowMillis)
            if sabotage == .merge, entry.change.origin != principal.site, states[entry.change.reportID] != nil,
                entry.change.reportID.utf8.reduce(0, { ($0 &* 31) &+ Int($1) }) % 3 == 0 {
                continue  // "first writer wins" for one report in three
            }
            let outcome = MergeEngine.apply(entry.change, to: states[entry.change.reportID], nowMillis: nowMillis)
            states[entry.change.reportID] = outcome.state
            for conflict in outcome.conflicts { conflicts[conflict.id] = conflict }
            if entry.change.origin != principal.site {
                lagSamples[entry.change.garrison, default: []].append(nowMillis - entry.committedAtMillis)
            }
        }
    }

    /// The restored hub lost what it had acknowledged. Re-send this node's own writes to its garrison's reports
    /// (they subsume whatever is still queued, so the queue is replaced by them). A report that has since moved to
    /// another garrison is not this node's to restore (see DESIGN §4 note).
    private mutating func resync() {
        resyncs += 1
        queue.removeAll()
        for state in states.values.sorted(by: { $0.reportID < $1.reportID })
        where principal.garrison == nil || state.garrison == principal.garrison {
            let restore = Change(restoringWritesOf: state, by: principal.site)
            guard !restore.isEmpty else { continue }
            queue.append(QueuedChange(seq: nextSeq, change: restore))
            nextSeq += 1
        }
        machine.resyncCompleted(queueHead: nextSeq - 1)
    }

    /// Reports of this node's garrison (every report for the national node).
    var ownReports: [ReportState] {
        states.values.filter { principal.garrison == nil || $0.garrison == principal.garrison }
    }
}
