/// What the sync machine asks the node's I/O shell to do. Each effect is carried out durably before the shell
/// reports the next event.
public enum SyncEffect: Hashable, Sendable {
    /// Delete queued changes through this sequence (they are durable at the hub).
    case deleteAcknowledged(through: Int64)
    /// Keep these changes visible as rejected, with their reasons (they leave the queue with the ack).
    case recordRejections([Rejection])
    /// Apply the entries with the shared merge and store `cursor` in the same transaction.
    case applyPage(entries: [FeedEntry], cursor: Int64)
    /// Keep pulled entries whose change could not be read, with why, for the operator (the cursor moves past
    /// them with the page they came in).
    case keepUnreadable([UnreadableFeedEntry])
    /// Remember the hub's identity.
    case adoptHub(HubIdentity)
    /// The hub is not the one synced with, or has lost acknowledged data (restored from an older backup):
    /// re-queue the full local state, reset the pull cursor to 0, then call `resyncCompleted(queueHead:)`.
    case resync(reason: String)
    /// The hub keeps refusing the one queued change `seq` on its own: move it out of the queue into the set-aside
    /// changes, with the reason, in the transaction that stores the checkpoint (which now counts it as done, so
    /// the next push starts after it, with `rebase`). Nothing is deleted: an operator retries or drops it.
    case setAside(SetAsideChange)
}

/// Why the push lane set a queued change aside: the hub's last refusal of it alone, and how often it came.
public struct SetAsideChange: Hashable, Sendable, Codable {
    /// The change's sequence in the node's queue.
    public let seq: Int64
    /// The hub's problem code (e.g. `malformed_json`, `stamp_in_future`), or `http_<status>`.
    public let code: ProblemCode
    public let detail: String
    /// The HTTP status of the hub's last refusal.
    public let status: Int
    /// How many pushes of this change alone the hub refused in a row.
    public let attempts: Int

    public init(seq: Int64, code: ProblemCode, detail: String, status: Int, attempts: Int) {
        self.seq = seq
        self.code = code
        self.detail = detail
        self.status = status
        self.attempts = attempts
    }
}

/// The next step of the push lane.
public enum PushAction: Hashable, Sendable {
    /// Send queued changes from `fromSeq`, at most `limit` of them.
    case send(fromSeq: Int64, limit: Int, rebase: Bool)
    /// Nothing to do before this time (a backoff), unless woken.
    case wait(untilMillis: Int64)
    /// The queue is empty: wait for a local write.
    case idle
}

/// The next step of the pull lane.
public enum PullAction: Hashable, Sendable {
    /// Fetch the feed after `cursor`, long-polling up to `waitSeconds` when caught up.
    case fetch(cursor: Int64, limit: Int, waitSeconds: Int)
    /// Nothing to do before this time (a backoff or a pending re-sync).
    case wait(untilMillis: Int64)
}
