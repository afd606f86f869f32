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
        var m = machine(SyncCheckpoint(lastAcked: 40, queueHead: 45, cursor: 900, hub: hub, needsRebase: false))
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
        var m = machine(SyncCheckpoint(lastAcked: 0, queueHead: 0, cursor: 900, hub: hub, needsRebase: false))
        _ = m.nextPull(nowMillis: 0)
        let other = HubIdentity(systemID: "7311", timeline: 2)
        let effects = m.pullSucceeded(PullPage(entries: [], nextCursor: 900, caughtUp: true, head: 950, hub: other), nowMillis: 0)
        #expect(effects.first == .adoptHub(other))
        #expect(m.status.resyncs == 1)
        var n = machine(SyncCheckpoint(lastAcked: 0, queueHead: 0, cursor: 900, hub: hub, needsRebase: false))
        _ = n.nextPull(nowMillis: 0)
        _ = n.pullSucceeded(PullPage(entries: [], nextCursor: 300, caughtUp: true, head: 300, hub: hub), nowMillis: 0)
        #expect(n.status.resyncs == 1)
        #expect(!n.status.caughtUp, "a node re-syncing is not caught up, whatever the page said")
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
}
