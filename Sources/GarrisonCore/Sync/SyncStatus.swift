/// What a node reports about its sync (`GET /v1/status`, `/metrics`).
public struct SyncStatus: Hashable, Sendable, Codable {
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

    init(checkpoint: SyncCheckpoint) {
        (self.queueDepth, self.lastAcked, self.cursor) = (0, 0, 0)
        self.caughtUp = false
        self.pushFailures = 0
        self.pullFailures = 0
        self.rejections = 0
        self.resyncs = 0
        update(checkpoint)
    }

    mutating func update(_ checkpoint: SyncCheckpoint) {
        queueDepth = max(0, checkpoint.queueHead - checkpoint.lastAcked)
        lastAcked = checkpoint.lastAcked
        cursor = checkpoint.cursor
    }
}
