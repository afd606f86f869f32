/// What the sync machine asks the node's I/O shell to do. Each effect is carried out durably before the shell
/// reports the next event.
public enum SyncEffect: Hashable, Sendable {
    /// Delete queued changes through this sequence (they are durable at the hub).
    case deleteAcknowledged(through: Int64)
    /// Keep these changes visible as rejected, with their reasons (they leave the queue with the ack).
    case recordRejections([Rejection])
    /// Apply the entries with the shared merge and store `cursor` in the same transaction.
    case applyPage(entries: [FeedEntry], cursor: Int64)
    /// Remember the hub's identity.
    case adoptHub(HubIdentity)
    /// The hub is not the one synced with, or has lost acknowledged data (restored from an older backup):
    /// re-queue the full local state, reset the pull cursor to 0, then call `resyncCompleted(queueHead:)`.
    case resync(reason: String)
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
