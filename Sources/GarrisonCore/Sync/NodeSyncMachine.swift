/// A node's sync, sans I/O (DESIGN §3–§4): decides what to push and pull next and what to do with each answer.
///
/// Two lanes run independently so a long-poll never holds back a push: the shell runs one loop per lane, asks
/// `nextPush`/`nextPull` what to do, performs the request, and feeds the outcome back. Time and randomness are
/// injected, so a seeded simulation drives hub + 17 nodes in one process exactly as the daemons run.
public struct NodeSyncMachine<Random: RandomNumberGenerator & Sendable>: Sendable {
    public let settings: SyncSettings
    /// What the shell must persist (it is updated as effects are produced).
    public private(set) var checkpoint: SyncCheckpoint
    public private(set) var status: SyncStatus
    private var random: Random
    private var pushBatchLimit: Int
    /// Pushes sent and not yet answered, oldest first.
    private var pushesInFlight: [InFlight] = []
    private var pushRetryAt: Int64 = 0
    private var pullRetryAt: Int64 = 0
    private var pullInFlight = false
    private var resyncPending = false
    private var lastPageCaughtUp = false
    /// The last time the hub answered a request of this node (a push or pull it took, `hubAnswered`).
    private var lastHubAnswerMillis: Int64?
    /// When the latest push of the current run of failures failed (nil after a success).
    private var lastPushFailureMillis: Int64?
    /// The change the hub refused on its own, how many times in a row, and when last.
    private var refusal: (seq: Int64, count: Int, atMillis: Int64)?
    /// A new timeline of the hub's cluster not yet told apart from a restore (see `TimelineCheck`).
    private var timelineCheck: TimelineCheck?
    /// The pull in flight asked from `cursor - 1`, to read the entry at the cursor again.
    private var readingCursorEntry = false
    /// Whether this run read the entry at the cursor for its mark once (so an unreadable one is not asked forever).
    private var markAsked = false
    /// The timeline a confirmed failover replaced. Hub instances that have not read their identity again since
    /// still name it for a while, over the same database: their answers are the known hub's, not a new check.
    private var replacedTimeline: Int?

    public init(settings: SyncSettings = .standard, checkpoint: SyncCheckpoint, random: Random) {
        self.settings = settings
        self.checkpoint = checkpoint
        self.random = random
        self.pushBatchLimit = settings.pushBatchLimit
        self.status = SyncStatus(checkpoint: checkpoint)
    }

    // MARK: push lane

    /// A local write queued changes through `seq`.
    public mutating func enqueued(through seq: Int64) {
        checkpoint.queueHead = max(checkpoint.queueHead, seq)
        status.update(checkpoint)
    }

    /// A push sent and not answered yet.
    private struct InFlight: Sendable {
        let from: Int64
        let through: Int64
        /// The batch limit it was sent with: a refusal of a push of limit 1 is a refusal of that change alone.
        let limit: Int
        /// What the hub had acknowledged when it was sent: an answer below it means the hub forgot.
        let ackedAtSend: Int64
    }

    /// What the push lane should do now. Up to `settings.pushesInFlight` consecutive batches may be in flight;
    /// a batch that rebases the hub's sequence (after a re-sync) travels alone.
    ///
    /// `.send` with `limit` 0 is an empty push: it only asks what the hub has acknowledged of this node, when the
    /// hub moved to a new timeline and this node has nothing queued to ask it with (`TimelineCheck`).
    public mutating func nextPush(nowMillis: Int64) -> PushAction {
        if resyncPending { return .idle }
        // A narrowed batch (the hub refused or could not take a bigger one) travels alone, as a rebasing one does:
        // the batch after it would reach the hub past a change it never took and tell nothing about either.
        let depth = checkpoint.needsRebase || pushBatchLimit < settings.pushBatchLimit ? 1 : settings.pushesInFlight
        guard pushesInFlight.count < depth else { return .idle }
        let from = max(pushesInFlight.last?.through ?? 0, checkpoint.lastAcked) + 1
        // An empty push travels alone: the batch after it would start at the same sequence, and answers are
        // matched to pushes by their first sequence.
        if pushesInFlight.contains(where: { $0.limit == 0 }) { return .idle }
        guard checkpoint.queueHead >= from else {
            guard timelineCheck?.acksConfirmed == false, pushesInFlight.isEmpty else { return .idle }
            if nowMillis < pushRetryAt { return .wait(untilMillis: pushRetryAt) }
            pushesInFlight.append(InFlight(
                from: checkpoint.lastAcked + 1, through: checkpoint.lastAcked, limit: 0, ackedAtSend: checkpoint.lastAcked))
            return .send(fromSeq: checkpoint.lastAcked + 1, limit: 0, rebase: false)
        }
        if nowMillis < pushRetryAt { return .wait(untilMillis: pushRetryAt) }
        pushesInFlight.append(InFlight(
            from: from, through: min(checkpoint.queueHead, from + Int64(pushBatchLimit) - 1), limit: pushBatchLimit,
            ackedAtSend: checkpoint.lastAcked))
        return .send(fromSeq: from, limit: pushBatchLimit, rebase: checkpoint.needsRebase)
    }

    /// Takes the in-flight record of the push sent from `fromSeq` (the oldest when nil); nil for an answer to a
    /// push no longer tracked (dropped after an earlier failure or gap).
    private mutating func answered(_ fromSeq: Int64?) -> InFlight? {
        guard let index = fromSeq.map({ from in pushesInFlight.firstIndex { $0.from == from } }) ?? (pushesInFlight.isEmpty ? nil : 0)
        else { return nil }
        return pushesInFlight.remove(at: index)
    }

    /// The hub answered the push sent from `fromSeq` (nil: the oldest in flight).
    public mutating func pushSucceeded(_ ack: PushAck, fromSeq: Int64? = nil, nowMillis: Int64) -> [SyncEffect] {
        let sent = answered(fromSeq)
        // An answer only shows a hub that forgot when it is below what was acknowledged before its push was sent
        // (answers to concurrent pushes may arrive in any order).
        let regression = sent.map { ack.ackedThrough < $0.ackedAtSend } == true
            ? "hub acknowledged through \(ack.ackedThrough) but had acknowledged \(sent!.ackedAtSend) before" : nil
        var effects: [SyncEffect] = []
        if let resync = checkHub(ack.hub, regression: regression, nowMillis: nowMillis, effects: &effects) { return resync }
        if timelineCheck?.hub == ack.hub, ack.ackedThrough >= checkpoint.lastAcked {
            // The hub on its new timeline still holds everything it acknowledged of this node.
            timelineCheck?.acksConfirmed = true
            finishTimelineCheck(&effects)
        }
        let acked = min(ack.ackedThrough, max(sent?.through ?? ack.ackedThrough, checkpoint.lastAcked))
        if let sent, ack.ackedThrough < sent.through {
            // The hub did not take this batch whole (it overtook an earlier one, or was cut short): the batches
            // after it are not trusted either; the lane sends again from what is acknowledged.
            pushesInFlight.removeAll()
        }
        let rejections = ack.rejections.filter { $0.seq > checkpoint.lastAcked && $0.seq <= acked }
        if !rejections.isEmpty {
            effects.append(.recordRejections(rejections))
            status.rejections += rejections.count
        }
        if let ahead = rejections.first(where: { $0.reason.code == SyncStatus.clockAheadCode }) {
            status.clockAhead = ahead.reason.message
        } else if acked > checkpoint.lastAcked {
            // The hub took this node's changes without finding a stamp ahead of its clock: the clock is right now.
            status.clockAhead = nil
        }
        let advanced = acked > checkpoint.lastAcked
        if advanced {
            effects.append(.deleteAcknowledged(through: acked))
            checkpoint.lastAcked = acked
            checkpoint.needsRebase = false
        }
        lastHubAnswerMillis = nowMillis
        // A late answer to a push no longer tracked that took nothing new says nothing about the batch now being
        // narrowed or refused: it leaves the count of refusals and the backoff alone.
        if sent == nil, !advanced, refusal != nil || pushBatchLimit < settings.pushBatchLimit {
            status.update(checkpoint)
            return effects
        }
        pushBatchLimit = min(settings.pushBatchLimit, pushBatchLimit * 2)
        lastPushFailureMillis = nil
        refusal = nil
        status.refusedInARow = 0
        status.pushFailures = 0
        status.lastPushMillis = nowMillis
        status.lastError = nil
        pushRetryAt = 0
        status.nextPushMillis = nil
        if sent?.limit == 0, timelineCheck?.acksConfirmed == false {
            // An empty push answered by a hub instance still naming the old timeline: ask again shortly.
            pushRetryAt = nowMillis + settings.backoff.baseMillis
        }
        status.update(checkpoint)
        return effects
    }

    /// A push failed; the lane backs off (never gives up). Later pushes in flight are no longer tracked: their
    /// answers still delete what the hub committed, and the lane sends again from what is acknowledged.
    ///
    /// When the hub answered and refused the batch itself (`.rejected`, or a `.hubError` while it answers the
    /// node's other requests), the lane halves the batch down to the first change alone; once the hub has refused
    /// that change alone `settings.setAsideAfter` times in a row, the effect `.setAside` takes it out of the queue
    /// and the lane goes on after it with `rebase` (the hub never took its sequence). An outage (network errors,
    /// timeouts, 5xx while nothing else is answered, 401/403) only backs off: it never sets anything aside.
    @discardableResult
    public mutating func pushFailed(_ failure: SyncFailure, fromSeq: Int64? = nil, nowMillis: Int64) -> [SyncEffect] {
        let sent = answered(fromSeq)
        pushesInFlight.removeAll()
        status.pushFailures += 1
        status.lastError = failure.description
        let previousFailure = lastPushFailureMillis
        lastPushFailureMillis = nowMillis
        defer { status.nextPushMillis = pushRetryAt }
        if sent?.limit == 0 {
            // An empty push carried no change to narrow or set aside: only the asking backs off.
            pushRetryAt = nowMillis + settings.backoff.delay(attempt: status.pushFailures, using: &random)
            return []
        }
        switch failure {
        case .tooLarge:
            if let sent, sent.limit == 1 {
                // One change alone is more than the hub takes in a body: no smaller batch will ever carry it.
                return narrow(
                    sent, .init(seq: sent.from, code: .tooLarge, detail: "the change alone exceeds the hub's body limit",
                                status: 413, attempts: 0),
                    nowMillis: nowMillis, retryNow: true, hubUp: false)
            }
            pushBatchLimit = max(1, pushBatchLimit / 2)
            pushRetryAt = nowMillis
        case .transient:
            pushRetryAt = nowMillis + settings.backoff.delay(attempt: status.pushFailures, using: &random)
        case .refused:
            pushRetryAt = nowMillis + settings.refusedBackoff.delay(attempt: status.pushFailures, using: &random)
        case .rejected(let httpStatus, let code, let detail):
            if code == SyncStatus.clockAheadCode { status.clockAhead = detail }
            guard let sent else {
                pushRetryAt = nowMillis + settings.backoff.delay(attempt: status.pushFailures, using: &random)
                return []
            }
            return narrow(sent, .init(seq: sent.from, code: code, detail: detail, status: httpStatus, attempts: 0),
                          nowMillis: nowMillis, retryNow: true, hubUp: false)
        case .hubError(let httpStatus, let code, let detail):
            // A 5xx is what an outage of the hub's database looks like too. It counts against the batch only when
            // the hub answered something else of this node since the previous failed push: it is up, and it keeps
            // failing on this batch.
            let hubUp = previousFailure.map { heardFromHub(after: $0) } ?? false
            guard hubUp, let sent else {
                pushRetryAt = nowMillis + settings.backoff.delay(attempt: status.pushFailures, using: &random)
                return []
            }
            return narrow(sent, .init(seq: sent.from, code: code, detail: detail, status: httpStatus, attempts: 0),
                          nowMillis: nowMillis, retryNow: false, hubUp: true)
        }
        return []
    }

    /// Whether the hub answered a request of this node after `millis`.
    private func heardFromHub(after millis: Int64) -> Bool { (lastHubAnswerMillis ?? .min) > millis }

    /// The hub refused the batch `sent` itself: halve the batch towards its first change alone, count refusals of
    /// that change alone, and set it aside after `settings.setAsideAfter` of them in a row.
    ///
    /// A refusal of the change alone counts when it is the first, or when the hub answered another request of this
    /// node since the last one counted (`hubUp` says it did): a hub that refuses the node itself, whatever it
    /// sends, refuses its pulls too, and then nothing is set aside.
    private mutating func narrow(
        _ sent: InFlight, _ reason: SetAsideChange, nowMillis: Int64, retryNow: Bool, hubUp: Bool
    ) -> [SyncEffect] {
        if sent.limit > 1 {
            // Several changes went: send fewer. Halving keeps the good changes before the bad one flowing.
            let count = Int(max(1, sent.through - sent.from + 1))
            pushBatchLimit = max(1, min(pushBatchLimit, count) / 2)
            pushRetryAt = retryNow ? nowMillis : nowMillis + settings.backoff.delay(attempt: status.pushFailures, using: &random)
            return []
        }
        // Only the first unacknowledged change may be set aside: one sent after another still unanswered would
        // skip that one.
        guard sent.from == checkpoint.lastAcked + 1 else {
            pushRetryAt = nowMillis + settings.backoff.delay(attempt: status.pushFailures, using: &random)
            return []
        }
        let previous = refusal.flatMap { $0.seq == sent.from ? $0 : nil }
        let counts = previous.map { hubUp || heardFromHub(after: $0.atMillis) } ?? true
        let attempts = (previous?.count ?? 0) + (counts ? 1 : 0)
        guard attempts >= settings.setAsideAfter else {
            if counts { refusal = (sent.from, attempts, nowMillis) }
            status.refusedInARow = attempts
            pushRetryAt = nowMillis + settings.backoff.delay(attempt: max(1, attempts), using: &random)
            return []
        }
        refusal = nil
        status.refusedInARow = 0
        status.setAside += 1
        // The change leaves the queue without the hub's acknowledgement: the hub's high-water mark stays below it,
        // so the next push starts past it and says so (`rebase`), as after a re-sync.
        checkpoint.lastAcked = sent.from
        checkpoint.needsRebase = true
        pushRetryAt = nowMillis
        status.update(checkpoint)
        return [.setAside(SetAsideChange(
            seq: sent.from, code: reason.code, detail: reason.detail, status: reason.status, attempts: attempts))]
    }

    /// The hub answered another request of this node (a pull of another lane, a catalogue read): it is up, so a
    /// push it keeps failing with a 5xx is failing on its content.
    public mutating func hubAnswered(nowMillis: Int64) {
        lastHubAnswerMillis = max(lastHubAnswerMillis ?? nowMillis, nowMillis)
    }

    // MARK: pull lane

    /// What the pull lane should do now.
    public mutating func nextPull(nowMillis: Int64) -> PullAction {
        if resyncPending || pullInFlight { return .wait(untilMillis: nowMillis + 100) }
        if nowMillis < pullRetryAt { return .wait(untilMillis: pullRetryAt) }
        pullInFlight = true
        // The entry at the cursor is read again to check a new timeline by it, or to learn its mark (after a
        // snapshot, or a store older than marks); the page goes on from there, so it costs no extra round trip.
        let checking = timelineCheck?.feedConfirmed == false
        if checkpoint.cursor > 0, checking || (checkpoint.cursorMark == nil && !markAsked) {
            readingCursorEntry = true
            return .fetch(cursor: checkpoint.cursor - 1, limit: settings.pullLimit, waitSeconds: 0)
        }
        return .fetch(
            cursor: checkpoint.cursor, limit: settings.pullLimit,
            waitSeconds: lastPageCaughtUp ? settings.pullWaitSeconds : 0)
    }

    /// The hub answered a pull.
    public mutating func pullSucceeded(_ page: PullPage, nowMillis: Int64) -> [SyncEffect] {
        pullInFlight = false
        let rereading = readingCursorEntry
        readingCursorEntry = false
        let regression = page.head < checkpoint.cursor
            ? "hub feed ends at \(page.head) but this node had applied through \(checkpoint.cursor)" : nil
        var effects: [SyncEffect] = []
        if let resync = checkHub(page.hub, regression: regression, nowMillis: nowMillis, effects: &effects) { return resync }
        if rereading { markAsked = true }
        if let check = timelineCheck, !check.feedConfirmed {
            guard rereading, page.hub == check.hub else {
                // A page of a feed not yet told apart from a restored one is not applied: positions past the
                // cursor may have been handed out again. The lane reads the entry at its cursor first, from an
                // instance naming the new timeline.
                lastHubAnswerMillis = nowMillis
                pullRetryAt = 0
                return effects
            }
            let atCursor = page.entries.first { $0.position == checkpoint.cursor }
            guard let atCursor, let mark = checkpoint.cursorMark, atCursor.committedAtMillis == mark else {
                let found = atCursor.map { "an entry committed at \($0.committedAtMillis)" } ?? "no readable entry"
                return beginResync(
                    "the hub moved to timeline \(page.hub.timeline) and holds \(found) at position \(checkpoint.cursor), "
                        + "where this node read one committed at \(checkpoint.cursorMark.map(String.init) ?? "an unknown time"): "
                        + "it was restored from an older backup", hub: page.hub)
            }
            // The same entry at the cursor: the feed this node read is the new primary's too (a failover).
            timelineCheck?.feedConfirmed = true
            finishTimelineCheck(&effects)
        } else if rereading, checkpoint.cursorMark == nil {
            checkpoint.cursorMark = page.entries.first { $0.position == checkpoint.cursor }?.committedAtMillis
        }
        // A page asked from before the cursor carries the entry at the cursor again: it is applied already.
        let entries = rereading ? page.entries.filter { $0.position > checkpoint.cursor } : page.entries
        let unreadable = rereading ? page.unreadable.filter { $0.position > checkpoint.cursor } : page.unreadable
        if !unreadable.isEmpty { effects.append(.keepUnreadable(unreadable)) }
        if page.nextCursor > checkpoint.cursor || !entries.isEmpty {
            let cursor = max(page.nextCursor, checkpoint.cursor)
            effects.append(.applyPage(entries: entries, cursor: cursor))
            if cursor > checkpoint.cursor {
                checkpoint.cursorMark = entries.last { $0.position == cursor }?.committedAtMillis
            }
            checkpoint.cursor = cursor
        }
        lastPageCaughtUp = page.caughtUp
        lastHubAnswerMillis = nowMillis
        status.caughtUp = page.caughtUp
        status.pullFailures = 0
        status.lastPullMillis = nowMillis
        status.hubHead = page.head
        pullRetryAt = 0
        status.nextPullMillis = nil
        status.update(checkpoint)
        return effects
    }

    /// A pull failed; the lane backs off (never gives up).
    public mutating func pullFailed(_ failure: SyncFailure, nowMillis: Int64) {
        pullInFlight = false
        readingCursorEntry = false
        status.pullFailures += 1
        status.caughtUp = false
        status.lastError = failure.description
        let backoff = if case .refused = failure { settings.refusedBackoff } else { settings.backoff }
        pullRetryAt = nowMillis + backoff.delay(attempt: status.pullFailures, using: &random)
        status.nextPullMillis = pullRetryAt
    }

    // MARK: re-sync

    /// A new timeline of the hub's cluster, not yet told apart (DESIGN §4): a failover to a synchronous standby
    /// kept everything the hub acknowledged, a point-in-time restore did not. It is told by what the hub
    /// acknowledged, never by the timeline: the feed entry at this lane's cursor is the one it read (same commit
    /// time, `SyncCheckpoint.cursorMark`) and the hub's high-water mark for this node is not below what it
    /// acknowledged before. Only then is the new identity adopted, so a node restarted meanwhile checks again; a
    /// failover costs an empty push and one entry read again, not a re-sync.
    private struct TimelineCheck: Sendable {
        let hub: HubIdentity
        var feedConfirmed: Bool
        var acksConfirmed: Bool
        /// When an answer last named `hub`: a check whose identity stopped answering while the known hub answers
        /// came from a hub instance that had not read its identity again, and it is dropped.
        var lastSeenMillis: Int64
    }

    /// How long a pending `TimelineCheck` waits for another answer naming its identity.
    public static var timelineCheckExpiryMillis: Int64 { 30_000 }

    /// Checks an answer's hub against the one synced with: another cluster or hub instance, or a hub that has
    /// forgotten what it acknowledged (`regression`), starts a re-sync (its effects are returned); a new timeline
    /// of the same cluster starts a `TimelineCheck`; a first answer adopts the hub.
    private mutating func checkHub(
        _ hub: HubIdentity, regression: String?, nowMillis: Int64, effects: inout [SyncEffect]
    ) -> [SyncEffect]? {
        if let known = checkpoint.hub, known.systemID == hub.systemID, hub.timeline == replacedTimeline,
            known.timeline != hub.timeline
        {
            return regression.map { beginResync($0 + ": it was restored from an older backup", hub: known) }
        }
        if let known = checkpoint.hub, known.systemID != hub.systemID {
            return beginResync("hub identity changed from \(known) to \(hub)", hub: hub)
        }
        if let regression {
            return beginResync(regression + ": it was restored from an older backup", hub: hub)
        }
        guard let known = checkpoint.hub else {
            checkpoint.hub = hub
            effects.append(.adoptHub(hub))
            return nil
        }
        if known == hub {
            if let check = timelineCheck, nowMillis - check.lastSeenMillis > Self.timelineCheckExpiryMillis { timelineCheck = nil }
        } else if timelineCheck?.hub == hub {
            timelineCheck?.lastSeenMillis = nowMillis
        } else {
            // Nothing read yet, or nothing acknowledged yet, leaves nothing to lose on that side.
            timelineCheck = TimelineCheck(
                hub: hub, feedConfirmed: checkpoint.cursor == 0, acksConfirmed: checkpoint.lastAcked == 0, lastSeenMillis: nowMillis)
            finishTimelineCheck(&effects)
        }
        return nil
    }

    /// Adopts the new timeline once both sides of its check hold.
    private mutating func finishTimelineCheck(_ effects: inout [SyncEffect]) {
        guard let check = timelineCheck, check.feedConfirmed, check.acksConfirmed else { return }
        timelineCheck = nil
        replacedTimeline = checkpoint.hub?.timeline
        checkpoint.hub = check.hub
        effects.append(.adoptHub(check.hub))
        status.update(checkpoint)
    }

    private mutating func beginResync(_ reason: String, hub: HubIdentity) -> [SyncEffect] {
        resyncPending = true
        timelineCheck = nil
        replacedTimeline = nil
        checkpoint.cursorMark = nil
        markAsked = false
        pushesInFlight.removeAll()
        status.resyncs += 1
        status.lastError = reason
        checkpoint.hub = hub
        checkpoint.cursor = 0
        checkpoint.needsRebase = true
        lastPageCaughtUp = false
        // Not caught up until the feed is read again from 0 and the re-queued writes are acknowledged.
        status.caughtUp = false
        status.update(checkpoint)
        return [.adoptHub(hub), .resync(reason: reason)]
    }

    /// Another lane of this node found that the hub was replaced or restored (the national node's pull lane of
    /// one garrison, while this machine only pushes and would notice only at its next push, if any): this machine
    /// re-syncs as if it had found it itself, so that the node's own writes the restored hub lost are sent again.
    public mutating func resync(reason: String, hub: HubIdentity) -> [SyncEffect] {
        beginResync(reason, hub: hub)
    }

    /// The shell re-queued the full local state (through `queueHead`) and reset its cursor: sync goes on.
    public mutating func resyncCompleted(queueHead: Int64) {
        resyncPending = false
        checkpoint.queueHead = max(checkpoint.queueHead, queueHead)
        pushRetryAt = 0
        pullRetryAt = 0
        status.update(checkpoint)
    }
}

extension SyncFailure: CustomStringConvertible {
    public var description: String {
        switch self {
        case .transient(let reason): "transient: \(reason)"
        case .refused(let reason): "refused: \(reason)"
        case .tooLarge: "batch too large"
        case .rejected(let status, let code, let detail): "the hub refused the batch: \(status) \(code): \(detail)"
        case .hubError(let status, let code, let detail): "hub error: \(status) \(code): \(detail)"
        }
    }
}
