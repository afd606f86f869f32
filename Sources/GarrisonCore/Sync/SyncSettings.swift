/// Tunables of a node's sync (every one is a documented config key of the node).
public struct SyncSettings: Hashable, Sendable, Codable {
    /// Most changes in one push (`sync.push_batch`).
    public var pushBatchLimit: Int
    /// Most feed entries asked for in one pull (`sync.pull_limit`).
    public var pullLimit: Int
    /// Long-poll wait when caught up, in seconds (`sync.pull_wait_seconds`).
    public var pullWaitSeconds: Int
    /// Backoff after a transient failure (`sync.backoff_base_ms`, `sync.backoff_ceiling_ms`).
    public var backoff: Backoff
    /// Backoff after the hub refused the node (phase `planned`/`suspended`, revoked): slower, never ending.
    public var refusedBackoff: Backoff
    /// Pushes sent before the first is answered (`sync.pushes_in_flight`): with 2, the node reads and sends the
    /// next batch while the hub applies one. Consecutive batches; one at a time while a re-sync rebases.
    public var pushesInFlight: Int
    /// How many pushes of one change alone the hub may refuse in a row before the node sets it aside and drains
    /// the rest of its queue (`sync.set_aside_after`). Refusals count only when the hub answered: an outage never
    /// sets anything aside.
    public var setAsideAfter: Int

    public static let standard = SyncSettings(
        pushBatchLimit: 500, pullLimit: 1_000, pullWaitSeconds: 20, backoff: .standard,
        refusedBackoff: Backoff(baseMillis: 5_000, ceilingMillis: 300_000))

    public init(
        pushBatchLimit: Int, pullLimit: Int, pullWaitSeconds: Int, backoff: Backoff, refusedBackoff: Backoff,
        pushesInFlight: Int = 1, setAsideAfter: Int = 5
    ) {
        self.pushBatchLimit = max(1, pushBatchLimit)
        self.pullLimit = max(1, pullLimit)
        self.pullWaitSeconds = max(0, pullWaitSeconds)
        self.backoff = backoff
        self.refusedBackoff = refusedBackoff
        self.pushesInFlight = min(max(1, pushesInFlight), 8)
        self.setAsideAfter = max(1, setAsideAfter)
    }
}

/// What a node persists of its sync so that it resumes, never restarts from zero, after any restart.
public struct SyncCheckpoint: Hashable, Sendable, Codable {
    /// The highest sequence the hub acknowledged, or that this node set aside (it left the queue unacknowledged).
    public var lastAcked: Int64
    /// The highest sequence in the local queue (0 when nothing was ever queued).
    public var queueHead: Int64
    /// The last feed position applied.
    public var cursor: Int64
    /// The hub this node synced with, once known.
    public var hub: HubIdentity?
    /// Whether the next push starts a new sequence base at the hub: after a re-sync, or after a change was set
    /// aside (the hub never took its sequence, so the next batch starts past its high-water mark).
    public var needsRebase: Bool
    /// When the hub committed the feed entry at `cursor` (milliseconds), if known: the mark that tells the same
    /// feed on a new primary from a feed restored from an older backup, whose positions were handed out again
    /// (DESIGN §4). Unknown after a snapshot until the lane reads the entry at its cursor.
    public var cursorMark: Int64?

    public static let initial = SyncCheckpoint(lastAcked: 0, queueHead: 0, cursor: 0, hub: nil, needsRebase: false)

    public init(
        lastAcked: Int64, queueHead: Int64, cursor: Int64, hub: HubIdentity?, needsRebase: Bool, cursorMark: Int64? = nil
    ) {
        self.lastAcked = lastAcked
        self.queueHead = queueHead
        self.cursor = cursor
        self.hub = hub
        self.needsRebase = needsRebase
        self.cursorMark = cursorMark
    }
}
