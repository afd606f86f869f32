/// What a node reports about its sync (`GET /v1/status`, `/metrics`).
public struct SyncStatus: Hashable, Sendable, Codable {
    /// The hub's code for a change stamped ahead of its clock: the node's clock is ahead.
    public static let clockAheadCode = ProblemCode.stampInFuture

    /// Changes waiting for the hub's acknowledgement.
    public var queueDepth: Int64
    public var lastAcked: Int64
    public var cursor: Int64
    /// The hub's feed head at the last pull.
    public var hubHead: Int64?
    public var caughtUp: Bool
    public var lastPushMillis: Int64?
    public var lastPullMillis: Int64?
    public var nextPushMillis: Int64?
    public var nextPullMillis: Int64?
    public var pushFailures: Int
    public var pullFailures: Int
    /// Changes the hub rejected since start.
    public var rejections: Int
    public var resyncs: Int
    public var lastError: String?
    /// Pushes of one change alone the hub refused in a row so far (the change set aside at `sync.set_aside_after`).
    public var refusedInARow: Int
    /// Changes this process set aside since start (the store keeps every one until an operator acts).
    public var setAside: Int
    /// Set when the hub refused a change of this node because its stamp is ahead of the hub's clock
    /// (`stamp_in_future`): the hub's detail. Cleared when the hub next takes this node's changes without it.
    public var clockAhead: String?

    init(checkpoint: SyncCheckpoint) {
        (self.queueDepth, self.lastAcked, self.cursor) = (0, 0, 0)
        self.caughtUp = false
        self.pushFailures = 0
        self.pullFailures = 0
        self.rejections = 0
        self.resyncs = 0
        self.refusedInARow = 0
        self.setAside = 0
        update(checkpoint)
    }

    mutating func update(_ checkpoint: SyncCheckpoint) {
        queueDepth = max(0, checkpoint.queueHead - checkpoint.lastAcked)
        lastAcked = checkpoint.lastAcked
        cursor = checkpoint.cursor
    }
}
