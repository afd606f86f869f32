/// Who the hub is: a node that sees a different identity, or a hub that has forgotten acknowledged data, has
/// met a hub restored from an older backup and must re-sync (DESIGN §4).
public struct HubIdentity: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The database's system identifier (`pg_control_system()`), stable across restarts.
    public let systemID: String
    /// The timeline (`pg_control_checkpoint()`); a point-in-time restore moves to a new one.
    public let timeline: Int

    public init(systemID: String, timeline: Int) {
        self.systemID = systemID
        self.timeline = timeline
    }

    public var description: String { "\(systemID)/\(timeline)" }

    private enum CodingKeys: String, CodingKey {
        case systemID = "system_id"
        case timeline
    }
}

/// A push: a batch of a node's queued changes, in sequence order (`POST /v1/sync/push`).
public struct PushRequest: Hashable, Codable, Sendable {
    public let changes: [QueuedChange]
    /// Set after a re-sync: the hub accepts a gap before the first sequence and takes it as the new start.
    public let rebase: Bool

    public init(changes: [QueuedChange], rebase: Bool = false) {
        self.changes = changes
        self.rebase = rebase
    }
}

/// A change the hub refused (quarantined), by the node's sequence number.
public struct Rejection: Hashable, Codable, Sendable {
    public let seq: Int64
    public let reason: QuarantineReason

    public init(seq: Int64, reason: QuarantineReason) {
        self.seq = seq
        self.reason = reason
    }
}

/// The hub's answer to a push: everything through `ackedThrough` is durable at the hub (applied or quarantined).
public struct PushAck: Hashable, Codable, Sendable {
    public let ackedThrough: Int64
    public let rejections: [Rejection]
    public let hub: HubIdentity

    public init(ackedThrough: Int64, rejections: [Rejection] = [], hub: HubIdentity) {
        self.ackedThrough = ackedThrough
        self.rejections = rejections
        self.hub = hub
    }

    private enum CodingKeys: String, CodingKey {
        case ackedThrough = "acked_through"
        case rejections, hub
    }
}

/// One entry of a garrison's change feed at the hub.
public struct FeedEntry: Hashable, Codable, Sendable {
    /// Position in the feed, increasing; the pull cursor names the last position applied.
    public let position: Int64
    public let change: Change
    /// When the hub committed it, milliseconds since 1970 (for lag measurement).
    public let committedAtMillis: Int64

    public init(position: Int64, change: Change, committedAtMillis: Int64) {
        self.position = position
        self.change = change
        self.committedAtMillis = committedAtMillis
    }

    private enum CodingKeys: String, CodingKey {
        case position, change
        case committedAtMillis = "committed_at"
    }
}

/// A page of the feed (`GET /v1/sync/pull`).
public struct PullPage: Hashable, Codable, Sendable {
    public let entries: [FeedEntry]
    /// Entries whose change could not be read (decoded each on its own, like a push's: one unreadable change
    /// never stalls the feed). Never encoded: a hub sends only what it can read itself.
    public let unreadable: [UnreadableFeedEntry]
    /// Every position of the page in the order received, readable or not (for `validate`).
    let positions: [Int64]
    /// The cursor to ask from next (the last position in `entries`, or the request's cursor if empty).
    public let nextCursor: Int64
    /// Whether the page reached the feed's head.
    public let caughtUp: Bool
    /// The feed's head position at the hub when the page was read.
    public let head: Int64
    public let hub: HubIdentity

    public init(entries: [FeedEntry], nextCursor: Int64, caughtUp: Bool, head: Int64, hub: HubIdentity) {
        self.entries = entries
        self.unreadable = []
        self.positions = entries.map(\.position)
        self.nextCursor = nextCursor
        self.caughtUp = caughtUp
        self.head = head
        self.hub = hub
    }

    private enum CodingKeys: String, CodingKey {
        case entries
        case nextCursor = "next_cursor"
        case caughtUp = "caught_up"
        case head, hub
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var list = try container.nestedUnkeyedContainer(forKey: .entries)
        var entries: [FeedEntry] = []
        var unreadable: [UnreadableFeedEntry] = []
        var positions: [Int64] = []
        while !list.isAtEnd {
            let slot = try list.decode(FeedSlot.self)
            positions.append(slot.position)
            switch slot.entry {
            case .success(let entry): entries.append(entry)
            case .failure(let failure): unreadable.append(failure)
            }
        }
        self.entries = entries
        self.unreadable = unreadable
        self.positions = positions
        nextCursor = try container.decode(Int64.self, forKey: .nextCursor)
        caughtUp = try container.decode(Bool.self, forKey: .caughtUp)
        head = try container.decode(Int64.self, forKey: .head)
        hub = try container.decode(HubIdentity.self, forKey: .hub)
    }
}

/// A pulled feed entry whose change could not be read: its position (the cursor moves past it) and why.
public struct UnreadableFeedEntry: Error, Hashable, Sendable {
    public let position: Int64
    /// The report it named, if that much was readable and in form.
    public let reportID: String?
    public let reason: String
}

/// One entry of a pull page as received: the position must be readable (else the page is malformed), the change
/// may not be.
private struct FeedSlot: Decodable {
    let position: Int64
    let entry: Result<FeedEntry, UnreadableFeedEntry>

    private enum CodingKeys: String, CodingKey { case position, change }
    private enum ChangeKeys: String, CodingKey { case reportID = "report_id" }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        position = try container.decode(Int64.self, forKey: .position)
        do {
            entry = .success(try FeedEntry(from: decoder))
        } catch {
            let keys = try? container.nestedContainer(keyedBy: ChangeKeys.self, forKey: .change)
            let reportID = (try? keys?.decodeIfPresent(String.self, forKey: .reportID)) ?? nil
            entry = .failure(UnreadableFeedEntry(
                position: position, reportID: reportID.flatMap { WireID.isUUIDv7($0) ? $0 : nil },
                reason: DecodingFailure.describe(error)))
        }
    }
}

/// Why a sync request failed, as far as what to do next is concerned.
public enum SyncFailure: Hashable, Sendable {
    /// Network error, timeout, an unreadable answer: retry with backoff.
    case transient(String)
    /// The hub refused the node (401, 403: a garrison in phase `planned` or `suspended`, a revoked certificate):
    /// retry, slowly, forever.
    case refused(String)
    /// The body was too large (413): retry with a smaller batch.
    case tooLarge
    /// The hub answered and refused this batch itself (400, 409, 422: it could not read or take something in
    /// it). A link outage never answers this: the push lane narrows the batch down to the change at fault.
    case rejected(status: Int, code: ProblemCode, detail: String)
    /// The hub answered with a server error (5xx): an outage of the hub or its database, or, when it keeps
    /// failing this one batch while it answers everything else, something in the batch it cannot store.
    case hubError(status: Int, code: ProblemCode, detail: String)
}
