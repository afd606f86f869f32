import GarrisonCore
import Testing

@Suite("Node sync state machine")
struct NodeSyncMachineTests {
    let hub = HubIdentity(systemID: "7311", timeline: 1)

    func machine(_ checkpoint: SyncCheckpoint = .initial, batch: Int = 10) -> NodeSyncMachine<SplitMix64> {
        var settings = SyncSettings.standard
        settings.pushBatchLimit = batch
        return NodeSyncMachine(settings: settings, checkpoint: checkpoint, random: SplitMix64(seed: 9))
    }

    @Test("idle until something is queued, then bounded batches from the last ack")
    func pushBatches() {
        var m = machine()
        #expect(m.nextPush(nowMillis: 0) == .idle)
        m.enqueued(through: 25)
        #expect(m.nextPush(nowMillis: 0) == .send(fromSeq: 1, limit: 10, rebase: false))
        #expect(m.nextPush(nowMillis: 0) == .idle, "one push in flight at a time")
        let effects = m.pushSucceeded(PushAck(ackedThrough: 10, hub: hub), nowMillis: 1)
        #expect(effects == [.adoptHub(hub), .deleteAcknowledged(through: 10)])
        #expect(m.nextPush(nowMillis: 1) == .send(fromSeq: 11, limit: 10, rebase: false))
        #expect(m.status.queueDepth == 15)
    }

    @Test("two pushes in flight: consecutive batches, answers in any order, no false re-sync, a gap sends again")
    func pipelined() {
        var settings = SyncSettings.standard
        settings.pushBatchLimit = 10
        settings.pushesInFlight = 2
        var m = NodeSyncMachine(settings: settings, checkpoint: .initial, random: SplitMix64(seed: 9))
        m.enqueued(through: 45)
        #expect(m.nextPush(nowMillis: 0) == .send(fromSeq: 1, limit: 10, rebase: false))
        #expect(m.nextPush(nowMillis: 0) == .send(fromSeq: 11, limit: 10, rebase: false))
        #expect(m.nextPush(nowMillis: 0) == .idle, "two in flight at most")
        // The second answer arrives first: the hub applied both.
        _ = m.pushSucceeded(PushAck(ackedThrough: 20, hub: hub), fromSeq: 11, nowMillis: 1)
        let late = m.pushSucceeded(PushAck(ackedThrough: 10, hub: hub), fromSeq: 1, nowMillis: 1)
        #expect(m.status.resyncs == 0, "an older answer arriving late is not a hub that forgot")
        #expect(!late.contains { if case .resync = $0 { true } else { false } })
        #expect(m.checkpoint.lastAcked == 20)
        // The next batch overtakes its predecessor at the hub: nothing applied, so both are sent again.
        #expect(m.nextPush(nowMillis: 2) == .send(fromSeq: 21, limit: 10, rebase: false))
        #expect(m.nextPush(nowMillis: 2) == .send(fromSeq: 31, limit: 10, rebase: false))
        _ = m.pushSucceeded(PushAck(ackedThrough: 20, hub: hub), fromSeq: 31, nowMillis: 3)
        _ = m.pushSucceeded(PushAck(ackedThrough: 30, hub: hub), fromSeq: 21, nowMillis: 3)
        #expect(m.checkpoint.lastAcked == 30)
        #expect(m.nextPush(nowMillis: 4) == .send(fromSeq: 31, limit: 10, rebase: false))
        #expect(m.status.resyncs == 0)
    }

    @Test("rejections are recorded and leave the queue with the ack")
    func rejections() {
        var m = machine()
        m.enqueued(through: 3)
        _ = m.nextPush(nowMillis: 0)
        let reason = QuarantineReason(code: "invalid_teryt", message: "bad")
        let effects = m.pushSucceeded(PushAck(ackedThrough: 3, rejections: [Rejection(seq: 2, reason: reason)], hub: hub), nowMillis: 0)
        #expect(effects.contains(.recordRejections([Rejection(seq: 2, reason: reason)])))
        #expect(effects.contains(.deleteAcknowledged(through: 3)))
        #expect(m.status.rejections == 1)
    }

    @Test("failures back off exponentially with jitter, up to the ceiling, and never stop")
    func backoff() {
        var m = machine()
        m.enqueued(through: 1)
        var now: Int64 = 0
        var delays: [Int64] = []
        for _ in 0..<40 {
            guard case .send = m.nextPush(nowMillis: now) else {
                Issue.record("the lane stopped trying")
                return
            }
            m.pushFailed(.transient("connection refused"), nowMillis: now)
            guard case .wait(let until) = m.nextPush(nowMillis: now) else {
                Issue.record("no backoff after a failure")
                return
            }
            delays.append(until - now)
            now = until
        }
        #expect(delays[0] >= 250 && delays[0] <= 500)
        #expect(delays[4] > delays[0])
        #expect(delays.allSatisfy { $0 <= 60_000 })
        #expect(delays.suffix(10).allSatisfy { $0 >= 30_000 }, "at the ceiling, half fixed half jitter")
        #expect(Set(delays.suffix(10)).count > 1, "jitter spreads retries")
    }

    @Test("a 413 halves the batch until it fits")
    func tooLarge() {
        var m = machine(batch: 8)
        m.enqueued(through: 100)
        _ = m.nextPush(nowMillis: 0)
        m.pushFailed(.tooLarge, nowMillis: 0)
        #expect(m.nextPush(nowMillis: 0) == .send(fromSeq: 1, limit: 4, rebase: false))
        m.pushFailed(.tooLarge, nowMillis: 0)
        #expect(m.nextPush(nowMillis: 0) == .send(fromSeq: 1, limit: 2, rebase: false))
    }

    @Test("pull: apply the page with its cursor, long-poll once caught up")
    func pull() {
        var m = machine()
        #expect(m.nextPull(nowMillis: 0) == .fetch(cursor: 0, limit: 1_000, waitSeconds: 0))
        let change = Change(reportID: "r", garrison: "20", origin: "hub", kind: .update)
        let entries = [FeedEntry(position: 4, change: change, committedAtMillis: 0)]
        let effects = m.pullSucceeded(PullPage(entries: entries, nextCursor: 4, caughtUp: true, head: 4, hub: hub), nowMillis: 1)
        #expect(effects == [.adoptHub(hub), .applyPage(entries: entries, cursor: 4)])
        #expect(m.nextPull(nowMillis: 1) == .fetch(cursor: 4, limit: 1_000, waitSeconds: 20))
        #expect(m.status.caughtUp)
    }

    @Test("restart resumes from the stored queue and cursor, never from zero")
    func resume() {
        var m = machine(SyncCheckpoint(lastAcked: 40, queueHead: 45, cursor: 900, hub: hub, needsRebase: false, cursorMark: 7))
        #expect(m.nextPush(nowMillis: 0) == .send(fromSeq: 41, limit: 10, rebase: false))
        #expect(m.nextPull(nowMillis: 0) == .fetch(cursor: 900, limit: 1_000, waitSeconds: 0))
    }

    @Test("a hub that forgot acknowledged data triggers a re-sync and a rebased push")
    func restoredHub() {
        var m = machine(SyncCheckpoint(lastAcked: 40, queueHead: 45, cursor: 900, hub: hub, needsRebase: false))
        _ = m.nextPush(nowMillis: 0)
        let effects = m.pushSucceeded(PushAck(ackedThrough: 12, hub: hub), nowMillis: 0)
        #expect(effects.contains { if case .resync = $0 { true } else { false } })
        #expect(m.nextPush(nowMillis: 0) == .idle, "nothing is pushed until the re-sync is done")
        m.resyncCompleted(queueHead: 60)
        #expect(m.nextPush(nowMillis: 0) == .send(fromSeq: 41, limit: 10, rebase: true))
        #expect(m.nextPull(nowMillis: 0) == .fetch(cursor: 0, limit: 1_000, waitSeconds: 0))
        let after = m.pushSucceeded(PushAck(ackedThrough: 50, hub: hub), nowMillis: 1)
        #expect(after == [.deleteAcknowledged(through: 50)])
        #expect(m.checkpoint.needsRebase == false)
    }

    @Test("a different hub identity, or a feed shorter than the cursor, triggers a re-sync")
    func identity() {
        var m = machine(SyncCheckpoint(lastAcked: 0, queueHead: 0, cursor: 900, hub: hub, needsRebase: false, cursorMark: 7))
        _ = m.nextPull(nowMillis: 0)
        let other = HubIdentity(systemID: "5120", timeline: 1)
        let effects = m.pullSucceeded(PullPage(entries: [], nextCursor: 900, caughtUp: true, head: 950, hub: other), nowMillis: 0)
        #expect(effects.first == .adoptHub(other))
        #expect(m.status.resyncs == 1)
        var n = machine(SyncCheckpoint(lastAcked: 0, queueHead: 0, cursor: 900, hub: hub, needsRebase: false, cursorMark: 7))
        _ = n.nextPull(nowMillis: 0)
        _ = n.pullSucceeded(PullPage(entries: [], nextCursor: 300, caughtUp: true, head: 300, hub: hub), nowMillis: 0)
        #expect(n.status.resyncs == 1)
        #expect(!n.status.caughtUp, "a node re-syncing is not caught up, whatever the page said")
    }

    // MARK: a new timeline: failover or restore (DESIGN §4)

    let promoted = HubIdentity(systemID: "7311", timeline: 2)
    let mark: Int64 = 1_700

    func entry(_ position: Int64, at millis: Int64) -> FeedEntry {
        FeedEntry(position: position, change: Change(reportID: "r\(position)", garrison: "20", origin: "hub", kind: .update), committedAtMillis: millis)
    }

    /// A node that acknowledged 40 changes and read the feed through 900 (committed at `mark`), nothing queued,
    /// whose first pull is answered by the hub on timeline 2.
    func afterPromotion(page entries: [FeedEntry] = []) -> NodeSyncMachine<SplitMix64> {
        var m = machine(SyncCheckpoint(lastAcked: 40, queueHead: 40, cursor: 900, hub: hub, needsRebase: false, cursorMark: mark))
        #expect(m.nextPull(nowMillis: 0) == .fetch(cursor: 900, limit: 1_000, waitSeconds: 0))
        let first = m.pullSucceeded(PullPage(entries: entries, nextCursor: 901, caughtUp: true, head: 901, hub: promoted), nowMillis: 1)
        #expect(first.isEmpty, "a page of a timeline not yet checked is not applied")
        #expect(m.checkpoint.cursor == 900)
        return m
    }

    @Test("a failover (new timeline, same feed, same acks) costs an empty push and one entry read again, no re-sync")
    func failoverKeepsTheCheckpoint() {
        var m = afterPromotion(page: [entry(901, at: 1_800)])
        #expect(m.nextPull(nowMillis: 1) == .fetch(cursor: 899, limit: 1_000, waitSeconds: 0), "the entry at the cursor again")
        #expect(m.nextPush(nowMillis: 1) == .send(fromSeq: 41, limit: 0, rebase: false), "an empty push asks for the acks")
        let reread = [entry(900, at: mark), entry(901, at: 1_800)]
        let applied = m.pullSucceeded(PullPage(entries: reread, nextCursor: 901, caughtUp: true, head: 901, hub: promoted), nowMillis: 2)
        #expect(applied == [.applyPage(entries: [reread[1]], cursor: 901)], "the entry at the cursor is not applied twice")
        #expect(m.checkpoint.hub == hub, "not adopted until the hub's acks are checked too")
        let acked = m.pushSucceeded(PushAck(ackedThrough: 40, hub: promoted), nowMillis: 3)
        #expect(acked.contains(.adoptHub(promoted)))
        #expect(m.checkpoint.hub == promoted && m.checkpoint.cursorMark == 1_800)
        #expect(m.status.resyncs == 0)
        #expect(m.nextPush(nowMillis: 3) == .idle, "nothing more to ask")
        // A hub instance that has not read its identity again still names timeline 1: it is the known hub.
        #expect(m.nextPull(nowMillis: 3) == .fetch(cursor: 901, limit: 1_000, waitSeconds: 20))
        let stale = m.pullSucceeded(PullPage(entries: [entry(902, at: 1_900)], nextCursor: 902, caughtUp: true, head: 902, hub: hub), nowMillis: 4)
        #expect(stale == [.applyPage(entries: [entry(902, at: 1_900)], cursor: 902)])
        #expect(m.checkpoint.hub == promoted && m.status.resyncs == 0)
    }

    @Test("an empty push answered by an instance still naming the old timeline is asked again after the base backoff")
    func emptyPushAskedAgain() {
        var m = afterPromotion()
        #expect(m.nextPush(nowMillis: 1) == .send(fromSeq: 41, limit: 0, rebase: false))
        _ = m.pushSucceeded(PushAck(ackedThrough: 40, hub: hub), nowMillis: 2)
        let retry = 2 + SyncSettings.standard.backoff.baseMillis
        #expect(m.nextPush(nowMillis: 2) == .wait(untilMillis: retry))
        #expect(m.nextPush(nowMillis: retry) == .send(fromSeq: 41, limit: 0, rebase: false))
        _ = m.pushFailed(.transient("down"), fromSeq: 41, nowMillis: retry + 1)
        #expect(m.status.resyncs == 0)
        if case .wait = m.nextPush(nowMillis: retry + 1) {} else { Issue.record("a failed empty push backs off") }
    }

    @Test("a check whose timeline stops answering while the known hub answers is dropped after its expiry")
    func staleCheckExpires() {
        var m = afterPromotion()
        let page = PullPage(entries: [entry(901, at: 1_800)], nextCursor: 901, caughtUp: true, head: 901, hub: hub)
        #expect(m.nextPull(nowMillis: 2) == .fetch(cursor: 899, limit: 1_000, waitSeconds: 0))
        #expect(m.pullSucceeded(page, nowMillis: 3).isEmpty, "the known hub's page waits while the check is pending")
        let later = 3 + NodeSyncMachine<SplitMix64>.timelineCheckExpiryMillis
        _ = m.nextPull(nowMillis: later)
        #expect(m.pullSucceeded(page, nowMillis: later) == [.applyPage(entries: [entry(901, at: 1_800)], cursor: 901)])
        #expect(m.checkpoint.hub == hub && m.status.resyncs == 0)
        #expect(m.nextPush(nowMillis: later) == .idle, "no empty push once the check is dropped")
    }

    @Test("a new timeline whose feed holds another entry at the cursor (a point-in-time restore) re-syncs")
    func restoreToAnotherTimelineResyncs() {
        var m = afterPromotion()
        #expect(m.nextPull(nowMillis: 1) == .fetch(cursor: 899, limit: 1_000, waitSeconds: 0))
        let effects = m.pullSucceeded(
            PullPage(entries: [entry(900, at: 1_650), entry(901, at: 1_800)], nextCursor: 901, caughtUp: true, head: 901, hub: promoted),
            nowMillis: 2)
        #expect(effects.contains(.adoptHub(promoted)))
        #expect(m.status.resyncs == 1)
        #expect(m.status.lastError?.contains("restored from an older backup") == true)
        var gone = afterPromotion()
        _ = gone.nextPull(nowMillis: 1)
        _ = gone.pullSucceeded(PullPage(entries: [entry(901, at: 1_800)], nextCursor: 901, caughtUp: true, head: 901, hub: promoted), nowMillis: 2)
        #expect(gone.status.resyncs == 1, "no entry at the cursor is no proof either")
    }

    @Test("a new timeline that acknowledges less of this node than before re-syncs")
    func lowerAckOnTheNewTimelineResyncs() {
        var m = afterPromotion()
        #expect(m.nextPush(nowMillis: 1) == .send(fromSeq: 41, limit: 0, rebase: false))
        _ = m.pushSucceeded(PushAck(ackedThrough: 31, hub: promoted), nowMillis: 2)
        #expect(m.status.resyncs == 1)
    }

    @Test("an unknown mark (after a snapshot or an upgrade) is learned by reading the entry at the cursor once")
    func unknownMarkIsLearned() {
        var m = machine(SyncCheckpoint(lastAcked: 0, queueHead: 0, cursor: 900, hub: hub, needsRebase: false))
        #expect(m.nextPull(nowMillis: 0) == .fetch(cursor: 899, limit: 1_000, waitSeconds: 0))
        let effects = m.pullSucceeded(PullPage(entries: [entry(900, at: mark)], nextCursor: 900, caughtUp: true, head: 900, hub: hub), nowMillis: 1)
        #expect(effects.isEmpty, "the entry at the cursor is applied already")
        #expect(m.checkpoint.cursorMark == mark)
        #expect(m.nextPull(nowMillis: 1) == .fetch(cursor: 900, limit: 1_000, waitSeconds: 20))
        var n = machine(SyncCheckpoint(lastAcked: 0, queueHead: 0, cursor: 900, hub: hub, needsRebase: false))
        _ = n.nextPull(nowMillis: 0)
        _ = n.pullSucceeded(PullPage(entries: [], nextCursor: 900, caughtUp: true, head: 900, hub: hub), nowMillis: 1)
        #expect(n.nextPull(nowMillis: 1) == .fetch(cursor: 900, limit: 1_000, waitSeconds: 20), "asked once per run")
    }

    @Test("the hub refusing the node (planned or suspended) slows retries but keeps them going")
    func refused() {
        var m = machine()
        m.enqueued(through: 1)
        _ = m.nextPush(nowMillis: 0)
        m.pushFailed(.refused("garrison 20 is suspended"), nowMillis: 0)
        guard case .wait(let until) = m.nextPush(nowMillis: 0) else {
            Issue.record("expected a wait")
            return
        }
        #expect(until >= 2_500)
        #expect(m.status.lastError?.contains("suspended") == true)
        guard case .send = m.nextPush(nowMillis: until) else {
            Issue.record("expected a retry after the wait")
            return
        }
    }

    // MARK: a change the hub keeps refusing

    func refusing(batch: Int = 8, after: Int = 3) -> NodeSyncMachine<SplitMix64> {
        var settings = SyncSettings.standard
        settings.pushBatchLimit = batch
        settings.setAsideAfter = after
        return NodeSyncMachine(settings: settings, checkpoint: .initial, random: SplitMix64(seed: 9))
    }

    /// Sends what the machine asks for at `now` and answers it with `failure`; returns the send and the effects.
    func refuse(
        _ m: inout NodeSyncMachine<SplitMix64>, _ failure: SyncFailure, at now: inout Int64
    ) -> (PushAction, [SyncEffect]) {
        var action = m.nextPush(nowMillis: now)
        if case .wait(let until) = action {
            now = until
            action = m.nextPush(nowMillis: now)
        }
        return (action, m.pushFailed(failure, nowMillis: now))
    }

    let malformed = SyncFailure.rejected(status: 400, code: "malformed_json", detail: "changes[0].change: not a change")

    @Test("a batch the hub refuses itself (400) is halved down to its first change alone, retried at once")
    func refusedBatchShrinks() {
        var m = refusing(batch: 8)
        m.enqueued(through: 20)
        var now: Int64 = 0
        var limits: [Int] = []
        for _ in 0..<4 {
            let (sent, effects) = refuse(&m, malformed, at: &now)
            guard case .send(let from, let limit, let rebase) = sent else {
                Issue.record("expected a send, got \(sent)")
                return
            }
            #expect(from == 1 && !rebase && effects.isEmpty)
            limits.append(limit)
        }
        #expect(limits == [8, 4, 2, 1])
        #expect(now == 0, "narrowing a refused batch does not wait")
        #expect(m.status.refusedInARow == 1, "only a refusal of the change alone counts")
        #expect(m.status.lastError?.contains("malformed_json") == true)
    }

    @Test("a change refused alone K times in a row is set aside; the next push starts after it with rebase")
    func setAsideAfterK() {
        var m = refusing(batch: 2, after: 3)
        m.enqueued(through: 5)
        var now: Int64 = 0
        let (shrunk, none) = refuse(&m, malformed, at: &now)
        #expect(shrunk == .send(fromSeq: 1, limit: 2, rebase: false) && none.isEmpty && m.status.refusedInARow == 0)
        let (_, first) = refuse(&m, malformed, at: &now)
        #expect(first.isEmpty && m.status.refusedInARow == 1)
        guard case .wait = m.nextPush(nowMillis: now) else {
            Issue.record("a change refused alone is retried after a backoff")
            return
        }
        m.hubAnswered(nowMillis: now + 1)  // the node's pulls go on meanwhile
        let (_, second) = refuse(&m, malformed, at: &now)
        #expect(second.isEmpty && m.status.refusedInARow == 2)
        m.hubAnswered(nowMillis: now + 1)
        let (sent, third) = refuse(&m, malformed, at: &now)
        #expect(sent == .send(fromSeq: 1, limit: 1, rebase: false))
        #expect(third == [.setAside(SetAsideChange(
            seq: 1, code: "malformed_json", detail: "changes[0].change: not a change", status: 400, attempts: 3))])
        #expect(m.checkpoint.lastAcked == 1 && m.checkpoint.needsRebase)
        #expect(m.status.queueDepth == 4 && m.status.setAside == 1 && m.status.refusedInARow == 0)
        #expect(m.nextPush(nowMillis: now) == .send(fromSeq: 2, limit: 1, rebase: true), "at once, past the gap the hub must accept")
        let effects = m.pushSucceeded(PushAck(ackedThrough: 2, hub: hub), nowMillis: now + 1)
        #expect(effects == [.adoptHub(hub), .deleteAcknowledged(through: 2)])
        #expect(!m.checkpoint.needsRebase)
        #expect(m.nextPush(nowMillis: now + 1) == .send(fromSeq: 3, limit: 2, rebase: false), "the batch grows back")
        _ = m.pushSucceeded(PushAck(ackedThrough: 4, hub: hub), nowMillis: now + 2)
        #expect(m.nextPush(nowMillis: now + 2) == .send(fromSeq: 5, limit: 2, rebase: false))
        _ = m.pushSucceeded(PushAck(ackedThrough: 5, hub: hub), nowMillis: now + 3)
        #expect(m.status.queueDepth == 0 && m.nextPush(nowMillis: now + 3) == .idle, "the rest drained")
    }

    @Test("a bad change in the middle: the changes before it go, it is set aside, the ones after it go")
    func badChangeInTheMiddle() {
        // A hub that refuses any batch holding seq 6 and takes any other.
        var m = refusing(batch: 8, after: 2)
        m.enqueued(through: 12)
        var now: Int64 = 0
        var setAside: [Int64] = []
        var acked: Int64 = 0
        for _ in 0..<60 {
            var action = m.nextPush(nowMillis: now)
            if case .wait(let until) = action {
                now = until
                action = m.nextPush(nowMillis: now)
            }
            guard case .send(let from, let limit, let rebase) = action else { break }
            let through = min(12, from + Int64(limit) - 1)
            if (from...through).contains(6) {
                for case .setAside(let aside) in m.pushFailed(malformed, nowMillis: now) { setAside.append(aside.seq) }
                // The hub answers the node's pulls meanwhile.
                now += 1
                _ = m.pullSucceeded(PullPage(entries: [], nextCursor: 0, caughtUp: true, head: 0, hub: hub), nowMillis: now)
            } else {
                #expect(from == acked + 1 || rebase, "a push past the acknowledged sequence says rebase")
                _ = m.pushSucceeded(PushAck(ackedThrough: through, hub: hub), nowMillis: now)
                acked = through
            }
            now += 1
        }
        #expect(setAside == [6])
        #expect(acked == 12 && m.status.queueDepth == 0)
    }

    @Test("503s while the hub answers nothing else (an outage) back off and never set anything aside")
    func outageNeverSetsAside() {
        var m = refusing(batch: 8, after: 2)
        m.enqueued(through: 20)
        var now: Int64 = 0
        let outage = SyncFailure.hubError(status: 503, code: "unavailable", detail: "the database is unreachable; retry later")
        for _ in 0..<50 {
            let (sent, effects) = refuse(&m, outage, at: &now)
            #expect(effects.isEmpty)
            #expect(sent == .send(fromSeq: 1, limit: 8, rebase: false), "an outage does not shrink the batch")
            // The pull lane fails too: the hub is down.
            if case .fetch = m.nextPull(nowMillis: now) { m.pullFailed(outage, nowMillis: now) }
        }
        #expect(m.checkpoint.lastAcked == 0 && m.status.setAside == 0 && m.status.refusedInARow == 0)
        #expect(m.status.queueDepth == 20)
        // Network errors, timeouts and refusals of the node itself do not either.
        var n = refusing(batch: 1, after: 1)
        n.enqueued(through: 3)
        var later: Int64 = 0
        for failure in [SyncFailure.transient("connection refused"), .refused("garrison_suspended: …"), .transient("timeout")] {
            #expect(refuse(&n, failure, at: &later).1.isEmpty)
        }
        #expect(n.checkpoint.lastAcked == 0)
    }

    @Test("a 503 the hub keeps answering to one batch while it answers the node's pulls narrows and sets aside")
    func repeated503WhileHubAnswers() {
        var m = refusing(batch: 4, after: 2)
        m.enqueued(through: 10)
        var now: Int64 = 0
        let failing = SyncFailure.hubError(status: 503, code: "unavailable", detail: "the database is unreachable; retry later")
        var sends: [PushAction] = []
        var effects: [SyncEffect] = []
        for _ in 0..<6 where effects.isEmpty {
            let (sent, produced) = refuse(&m, failing, at: &now)
            sends.append(sent)
            effects = produced
            now += 1
            m.hubAnswered(nowMillis: now)  // a pull or a catalogue read succeeded meanwhile
        }
        #expect(sends == [
            .send(fromSeq: 1, limit: 4, rebase: false), .send(fromSeq: 1, limit: 4, rebase: false),
            .send(fromSeq: 1, limit: 2, rebase: false), .send(fromSeq: 1, limit: 1, rebase: false),
            .send(fromSeq: 1, limit: 1, rebase: false),
        ], "the first 503 is taken for an outage; later ones, with the hub answering meanwhile, narrow the batch")
        #expect(effects.first.map { if case .setAside(let aside) = $0 { aside.seq == 1 && aside.status == 503 } else { false } } == true)
    }

    @Test("a hub refusing the node itself refuses its pulls too: refusals alone stop counting")
    func refusalsCountOnlyWhileTheHubAnswers() {
        var m = refusing(batch: 1, after: 2)
        m.enqueued(through: 3)
        var now: Int64 = 0
        for _ in 0..<10 {
            #expect(refuse(&m, malformed, at: &now).1.isEmpty)
            now += 1
        }
        #expect(m.status.refusedInARow == 1 && m.checkpoint.lastAcked == 0, "no answer in between: still the first refusal")
        m.hubAnswered(nowMillis: now)
        #expect(refuse(&m, malformed, at: &now).1.count == 1)
    }

    @Test("the hub saying a stamp is in the future marks the clock ahead; a later clean push clears it")
    func clockAhead() {
        var m = machine()
        m.enqueued(through: 4)
        _ = m.nextPush(nowMillis: 0)
        let future = QuarantineReason(code: "stamp_in_future", message: "stamp 1893456000000 is 3600 s ahead of the hub's clock")
        _ = m.pushSucceeded(PushAck(ackedThrough: 2, rejections: [Rejection(seq: 2, reason: future)], hub: hub), nowMillis: 1)
        #expect(m.status.clockAhead == future.message)
        _ = m.nextPush(nowMillis: 2)
        m.pushFailed(.rejected(status: 422, code: "stamp_in_future", detail: "the whole batch is ahead"), nowMillis: 2)
        #expect(m.status.clockAhead == "the whole batch is ahead")
        _ = m.nextPush(nowMillis: 3)
        _ = m.pushSucceeded(PushAck(ackedThrough: 4, hub: hub), nowMillis: 3)
        #expect(m.status.clockAhead == nil)
    }

    @Test("with two pushes in flight, a narrowed batch travels alone and a late answer does not reset its refusals")
    func narrowedTravelsAlone() {
        var settings = SyncSettings.standard
        settings.pushBatchLimit = 2
        settings.pushesInFlight = 2
        settings.setAsideAfter = 2
        var m = NodeSyncMachine(settings: settings, checkpoint: .initial, random: SplitMix64(seed: 9))
        m.enqueued(through: 10)
        #expect(m.nextPush(nowMillis: 0) == .send(fromSeq: 1, limit: 2, rebase: false))
        #expect(m.nextPush(nowMillis: 0) == .send(fromSeq: 3, limit: 2, rebase: false))
        m.pushFailed(malformed, fromSeq: 1, nowMillis: 0)
        #expect(m.nextPush(nowMillis: 0) == .send(fromSeq: 1, limit: 1, rebase: false))
        #expect(m.nextPush(nowMillis: 0) == .idle, "the change alone goes alone")
        m.pushFailed(malformed, fromSeq: 1, nowMillis: 0)
        #expect(m.status.refusedInARow == 1)
        // The hub's answer to the batch from 3, sent before: it started past the high-water mark, nothing taken.
        _ = m.pushSucceeded(PushAck(ackedThrough: 0, hub: hub), fromSeq: 3, nowMillis: 1)
        #expect(m.status.refusedInARow == 1, "an answer that took nothing says nothing about change 1")
        guard case .wait(let until) = m.nextPush(nowMillis: 1) else {
            Issue.record("the backoff of the refused change stands")
            return
        }
        #expect(m.nextPush(nowMillis: until) == .send(fromSeq: 1, limit: 1, rebase: false))
        #expect(m.pushFailed(malformed, fromSeq: 1, nowMillis: until).count == 1, "set aside at the second refusal")
    }
}
