import Foundation
import GarrisonCore
import GarrisonHubClient
import Logging
import ServiceLifecycle
import Synchronization

/// The node's sync (DESIGN §4): the core's `NodeSyncMachine` driven over mutual TLS, one loop per lane so a
/// long-poll never holds a push back. Every effect the machine asks for is stored (with the checkpoint) before the
/// next request; every failure backs off with jitter up to a ceiling and is retried, forever.
public final class SyncWorker: Service, Sendable {
    let store: NodeStore
    let client: HubClient
    let settings: SyncSettings
    let logger: Logger
    let clock: @Sendable () -> Int64
    let referenceRefresh: Duration
    /// The push lane's machine; also the pull lane's for a garrison's node.
    private let main: SyncLane
    /// The lanes that pull: the main one for a garrison's node, one per followed garrison for the national node.
    private let pullLanes: [SyncLane]
    private let wakeup = Wakeup()
    private let figures = Mutex(SyncFigures())
    private let stopping = Atomic<Bool>(false)
    /// Serialises storing answers (taken before `machine`, never the other way round).
    private let recording = Mutex(())

    /// What the worker measured, beside the machine's own status.
    struct SyncFigures {
        var lastLagMillis: Int64?
        /// The national node: the last hub-commit-to-apply delay of each followed garrison's feed.
        var lagByFeed: [GarrisonCode: Int64] = [:]
    }

    /// `feeds` nil: a garrison's node (one pull lane, its own garrison's feed). Otherwise the national node's
    /// garrisons, each pulled by a lane with its own machine and cursor.
    init(
        store: NodeStore, client: HubClient, settings: SyncSettings, feeds: [GarrisonCode]?,
        referenceRefresh: Duration = .seconds(60), logger: Logger, clock: @escaping @Sendable () -> Int64
    ) throws {
        self.referenceRefresh = referenceRefresh
        self.store = store
        self.client = client
        self.settings = settings
        self.logger = logger
        self.clock = clock
        main = SyncLane(feed: nil, machine: NodeSyncMachine(settings: settings, checkpoint: try store.checkpoint(), random: SystemRandomNumberGenerator()))
        pullLanes = try feeds.map { feeds in
            try feeds.map { garrison in
                SyncLane(feed: garrison, machine: NodeSyncMachine(
                    settings: settings, checkpoint: try store.feedCheckpoint(garrison), random: SystemRandomNumberGenerator()))
            }
        } ?? [main]
    }


    /// A unit's write queued changes through `seq`: push soon.
    public func enqueued(through seq: Int64) {
        main.machine.withLock { $0.enqueued(through: seq) }
        wakeup.signal()
    }

    /// The machine's status (queue, acks, cursor, failures).
    public var status: SyncStatus { main.machine.withLock { $0.status } }

    /// The national node's lanes by garrison (empty for a garrison's node).
    public var feedStatuses: [(garrison: GarrisonCode, status: SyncStatus)] {
        pullLanes.compactMap { lane in lane.feed.map { ($0, lane.machine.withLock { $0.status }) } }
    }

    var measured: SyncFigures { figures.withLock { $0 } }

    /// Runs both lanes until cancelled or a graceful shutdown: then the long-poll is dropped at once and a push in
    /// flight finishes (its acknowledgement is stored) before the worker returns.
    public func run() async throws {
        logger.info("sync starting", metadata: ["checkpoint": "\(main.machine.withLock { $0.checkpoint })"])
        let lanes = pullLanes
        let national = pullLanes.contains { $0.feed != nil }
        let pull = Task {
            await withTaskGroup(of: Void.self) { group in
                for lane in lanes { group.addTask { await self.pullLane(lane) } }
                group.addTask { await self.referenceLane(phases: national) }
            }
        }
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await self.pushLane()
            } onCancel: {
                pull.cancel()
            }
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .releasing)
            pull.cancel()
            self.wakeup.signal()
        }
        pull.cancel()
        await pull.value
        logger.info("sync stopped", metadata: ["queue_depth": "\(status.queueDepth)"])
    }

    // MARK: lanes

    /// Sends pushes as the machine allows (up to `sync.pushes_in_flight` at once); each answer is stored before
    /// the lane asks for more. On a graceful shutdown the pushes in flight finish and store their answers.
    private func pushLane() async {
        await withTaskGroup(of: Void.self) { group in
            while !Task.isCancelled, !stopping.load(ordering: .acquiring) {
                let action = main.machine.withLock { $0.nextPush(nowMillis: clock()) }
                switch action {
                case .idle:
                    // The queue may have grown from outside this process (`garrison node queue retry`): the
                    // store's sequence counter is the truth.
                    if let head = try? store.checkpoint().queueHead { main.machine.withLock { $0.enqueued(through: head) } }
                    await wakeup.wait(untilMillis: clock() + 1_000, clock: clock)
                case .wait(let until):
                    await wakeup.sleep(untilMillis: until, clock: clock)
                case .send(let fromSeq, let limit, let rebase):
                    group.addTask { await self.push(fromSeq: fromSeq, limit: limit, rebase: rebase) }
                }
            }
            await group.waitForAll()
        }
    }

    private func push(fromSeq: Int64, limit: Int, rebase: Bool) async {
        defer { wakeup.signal() }
        let ack: PushAck
        do {
            let body = try store.pushBody(fromSeq: fromSeq, limit: limit, rebase: rebase)
            ack = try await client.push(rawBody: body)
        } catch {
            if Task.isCancelled { return }
            let failure = Self.failure(error)
            let now = clock()
            logger.warning("push failed; backing off", metadata: ["error": "\(failure)", "from_seq": "\(fromSeq)"])
            // A refusal may end with a change set aside: stored with the checkpoint that moves past it.
            record(main, now) { machine in
                let effects = machine.pushFailed(failure, fromSeq: fromSeq, nowMillis: now)
                for case .setAside(let aside) in effects {
                    logger.error("change set aside: the hub keeps refusing it alone; the rest of the queue goes on", metadata: [
                        "seq": "\(aside.seq)", "attempts": "\(aside.attempts)", "code": "\(aside.code)", "detail": "\(aside.detail)",
                        "see": "garrison node queue list",
                    ])
                }
                return effects
            }
            return
        }
        let now = clock()
        // The store's own queue head, not the machine's: a write committed a moment ago may already be in the
        // batch before the machine heard of it.
        let queueHead = (try? store.checkpoint().queueHead) ?? Int64.max
        if ack.ackedThrough > queueHead {
            // The hub took more of this node's sequence than this store ever queued: the store was rolled back
            // (restored from a backup) under the same node id, and new writes would reuse sequences the hub
            // skips as replays. Deleting nothing and retrying slowly keeps them; the operator re-enrolls the node.
            let reason = "the hub acknowledged this node through \(ack.ackedThrough) but its queue ends at \(queueHead): "
                + "this store was restored from an older backup; enroll the node anew (new node id) to keep its queued writes"
            logger.critical("push refused by this node", metadata: ["reason": "\(reason)"])
            main.machine.withLock { _ = $0.pushFailed(.refused(reason), fromSeq: fromSeq, nowMillis: now) }
            return
        }
        if !ack.rejections.isEmpty {
            logger.warning("hub refused changes", metadata: ["count": "\(ack.rejections.count)", "first": "\(ack.rejections[0].reason)"])
        }
        record(main, now) { $0.pushSucceeded(ack, fromSeq: fromSeq, nowMillis: now) }
    }

    private func pullLane(_ lane: SyncLane) async {
        while !Task.isCancelled {
            let action = lane.machine.withLock { $0.nextPull(nowMillis: clock()) }
            switch action {
            case .wait(let until):
                await wakeup.sleep(untilMillis: until, clock: clock)
            case .fetch(let cursor, let limit, let wait):
                await pull(lane, cursor: cursor, limit: limit, wait: wait)
            }
        }
    }

    private func pull(_ lane: SyncLane, cursor: Int64, limit: Int, wait: Int) async {
        let page: PullPage
        do {
            if cursor == 0, !lane.bootstrapped.exchange(true, ordering: .acquiringAndReleasing) {
                page = try await bootstrap(lane)
            } else {
                // A garrison's node tells the hub what waits here: its queue, and what it set aside.
                let own = lane.feed == nil
                let queue = own ? Int64(status.queueDepth) : nil
                let setAside = own ? (try? store.setAsideSummary()) : nil
                page = try await client.pull(
                    cursor: cursor, limit: limit, wait: wait, garrison: lane.feed, queue: queue, setAside: setAside)
            }
        } catch {
            if cursor == 0 { lane.bootstrapped.store(false, ordering: .releasing) }
            if Task.isCancelled { return }
            let failure = Self.failure(error)
            lane.machine.withLock { $0.pullFailed(failure, nowMillis: clock()) }
            logger.warning("pull failed; backing off", metadata: [
                "error": "\(failure)", "cursor": "\(cursor)", "feed": "\(lane.feed?.rawValue ?? "own")",
            ])
            return
        }
        let now = clock()
        if lane !== main { main.machine.withLock { $0.hubAnswered(nowMillis: now) } }
        record(lane, now) { $0.pullSucceeded(page, nowMillis: now) }
    }

    /// A lane that has applied nothing of its feed (a new node, or after a re-sync) starts from the hub's snapshot
    /// of the garrison instead of replaying the whole feed (DESIGN §4): each page's reports are merged as whole-state
    /// changes, then the lane continues from the feed position the snapshot was taken at. The cursor is read before
    /// the reports, so a report changed meanwhile comes again through the feed, where the merge takes it
    /// idempotently; a crash part-way leaves the cursor at 0 and the next start takes the snapshot again.
    private func bootstrap(_ lane: SyncLane) async throws -> PullPage {
        let started = clock()
        var page = try await client.snapshot(after: "", limit: 500, garrison: lane.feed)
        let first = page
        var reports = 0
        defer { wakeup.signal() }
        while true {
            if !page.reports.isEmpty {
                let now = clock()
                let entries = page.reports.map {
                    FeedEntry(position: 0, change: Change(snapshotOf: $0, origin: SiteID(rawValue: "hub")), committedAtMillis: now)
                }
                let queued = try recording.withLock { _ in
                    let checkpoint = lane.machine.withLock { $0.checkpoint }
                    return try store.perform(
                        [.applyPage(entries: entries, cursor: checkpoint.cursor)], checkpoint: checkpoint, feed: lane.feed, nowMillis: now
                    ).queuedThrough
                }
                // The national node may have linked a duplicate among them: that write waits in the queue.
                if let queued { main.machine.withLock { $0.enqueued(through: queued) } }
                reports += page.reports.count
            }
            guard let next = page.nextAfter else { break }
            page = try await client.snapshot(after: next, limit: 500, garrison: lane.feed)
        }
        // The snapshot is as old as its first read by the time the last page is applied: that is its lag.
        let lag = max(0, clock() - started)
        figures.withLock { figures in
            figures.lastLagMillis = lag
            if let feed = lane.feed { figures.lagByFeed[feed] = lag }
        }
        logger.info("bootstrapped from the hub's snapshot", metadata: [
            "reports": "\(reports)", "cursor": "\(first.cursor)", "feed": "\(lane.feed?.rawValue ?? "own")",
        ])
        return PullPage(entries: [], nextCursor: first.cursor, caughtUp: false, head: first.cursor, hub: first.hub)
    }

    /// Reads what the hub publishes besides the feed, at start and every minute: the category catalogue versions
    /// (every node adopts a new one) and, for the national node, the garrisons' rollout phases (pilot garrisons
    /// stay out of public statistics).
    private func referenceLane(phases: Bool) async {
        while !Task.isCancelled {
            do {
                let catalogues = try await client.catalogues()
                // The hub answers: a push it keeps failing with a 5xx meanwhile fails on what it carries.
                main.machine.withLock { $0.hubAnswered(nowMillis: clock()) }
                if (catalogues.last?.version ?? 0) > store.latestCatalogue.version {
                    try store.adopt(catalogues)
                    logger.notice("category catalogue adopted", metadata: ["version": "\(catalogues.last?.version ?? 0)"])
                }
                if phases { try store.savePhases(try await client.garrisons(), nowMillis: clock()) }
                try? await Task.sleep(for: referenceRefresh)
            } catch {
                if Task.isCancelled { return }
                logger.warning("reading the catalogue or the garrisons' phases failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }

    /// Feeds an answer to a lane's machine and stores the effects with the checkpoint it leaves, one answer at a
    /// time, so checkpoints reach the store in the order the machines made them.
    private func record(
        _ lane: SyncLane, _ now: Int64, _ answer: (inout NodeSyncMachine<SystemRandomNumberGenerator>) -> [SyncEffect]
    ) {
        recording.withLock { _ in
            let (effects, checkpoint) = lane.machine.withLock { machine in (answer(&machine), machine.checkpoint) }
            perform(effects, lane: lane, checkpoint: checkpoint, nowMillis: now)
        }
    }

    /// Stores the effects with the checkpoint. If the store fails, the machine restarts from the stored
    /// checkpoint: what was not stored is asked for again, never skipped.
    private func perform(_ effects: [SyncEffect], lane: SyncLane, checkpoint: SyncCheckpoint, nowMillis: Int64) {
        defer { wakeup.signal() }
        guard !effects.isEmpty else { return }
        do {
            let report = try store.perform(effects, checkpoint: checkpoint, feed: lane.feed, nowMillis: nowMillis)
            figures.withLock { figures in
                if let lag = report.lagMillis.last {
                    figures.lastLagMillis = lag
                    if let feed = lane.feed { figures.lagByFeed[feed] = lag }
                }
            }
            if let seq = report.queuedThrough { main.machine.withLock { $0.enqueued(through: seq) } }
            if let head = report.resyncQueueHead {
                let reason = effects.compactMap { if case .resync(let reason) = $0 { reason } else { nil } }.first ?? ""
                logger.warning("re-syncing with the hub", metadata: [
                    "reason": "\(reason)", "requeued_through": "\(head)", "feed": "\(lane.feed?.rawValue ?? "own")",
                ])
                let checkpoint = lane.machine.withLock { machine in
                    machine.resyncCompleted(queueHead: head)
                    return machine.checkpoint
                }
                if let feed = lane.feed {
                    try store.save(checkpoint, feed: feed)
                    // The push lane re-queues the national node's own writes now: it would notice the restored
                    // or replaced hub only at its next push, and there may be none (found by the simulation).
                    let hub = effects.compactMap { if case .adoptHub(let hub) = $0 { hub } else { nil } }.first
                    if let hub {
                        let (mainEffects, mainCheckpoint) = main.machine.withLock { machine in
                            (machine.resync(reason: "feed \(feed.rawValue): \(reason)", hub: hub), machine.checkpoint)
                        }
                        perform(mainEffects, lane: main, checkpoint: mainCheckpoint, nowMillis: nowMillis)
                    }
                } else {
                    try store.save(checkpoint)
                }
            }
        } catch {
            logger.error("storing sync progress failed; resuming from the stored checkpoint", metadata: ["error": "\(error)"])
            if let stored = try? (lane.feed.map(store.feedCheckpoint) ?? store.checkpoint()) {
                lane.machine.withLock { $0 = NodeSyncMachine(settings: settings, checkpoint: stored, random: SystemRandomNumberGenerator()) }
            }
        }
    }

    /// What the machine does about a failed request.
    static func failure(_ error: any Error) -> SyncFailure {
        if let error = error as? HubClientError { return error.syncFailure }
        if error is DecodingError { return .transient("the hub's answer could not be read: \(error)") }
        return .transient(String(describing: error))
    }
}

/// One lane's machine: the push lane's (and a garrison node's pull lane's), or the national node's pull lane of
/// one garrison's feed.
final class SyncLane: Sendable {
    let feed: GarrisonCode?
    let machine: Mutex<NodeSyncMachine<SystemRandomNumberGenerator>>
    /// Whether this process already took the hub's snapshot for this lane: an empty garrison's cursor stays 0, and
    /// it must then long-poll the feed rather than ask for the snapshot again and again. A failed snapshot clears it.
    let bootstrapped = Atomic<Bool>(false)

    init(feed: GarrisonCode?, machine: NodeSyncMachine<SystemRandomNumberGenerator>) {
        self.feed = feed
        self.machine = Mutex(machine)
    }
}

/// Wakes sleeping lanes early (a local write, a stored page). Sleeps are sliced so a signal is seen within
/// 25 ms without any lost-wakeup race.
final class Wakeup: Sendable {
    private let generation = Atomic<Int>(0)

    func signal() { generation.add(1, ordering: .releasing) }

    /// Sleeps until `untilMillis` or a signal.
    func wait(untilMillis: Int64, clock: () -> Int64) async {
        let start = generation.load(ordering: .acquiring)
        while !Task.isCancelled, clock() < untilMillis, generation.load(ordering: .acquiring) == start {
            try? await Task.sleep(for: .milliseconds(min(25, max(1, untilMillis - clock()))))
        }
    }

    /// Sleeps until `untilMillis` whatever happens (a backoff), unless cancelled.
    func sleep(untilMillis: Int64, clock: () -> Int64) async {
        let delay = untilMillis - clock()
        if delay > 0 { try? await Task.sleep(for: .milliseconds(delay)) }
    }
}
