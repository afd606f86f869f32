import Foundation

// The administrators' API as it travels (`/v1/admin/...`): what the hub answers and garrisonctl, the demo and the
// tests read. Plain Codable values; the hub's store makes them, `HubClient`'s admin calls decode them.

/// One garrison as the administrators and `/metrics` see it.
public struct GarrisonOverview: Codable, Hashable, Sendable {
    public let garrison: String
    public let name: String
    public let wave: Int
    public let phase: String
    /// The feed's head position: changes routed to the garrison so far.
    public let feedHead: Int64
    public let reports: Int64
    public let openConflicts: Int64
    public let openQuarantine: Int64
    public let nodes: Int64
    /// Seconds since any of its nodes was last seen; nil if none ever was.
    public let lastSeenSecondsAgo: Double?
    /// Changes waiting at its most recently seen node, as that node reported on its last pull; nil if unknown.
    public let queue: Int64?
    /// Feed entries its most recently seen node has not pulled yet (head − cursor); nil if unknown.
    public let lag: Int64?
    /// Nodes enrolled for it (certificates the hub signed).
    public let enrolled: Int64
    /// Changes its most recently seen node set aside (the hub kept refusing each alone), as it reported on its
    /// last pull; nil if unknown (an older node).
    public let setAside: Int64?
    /// The problem code of the oldest of them (`malformed_json`, `stamp_in_future`, …).
    public let setAsideCode: String?

    private enum CodingKeys: String, CodingKey {
        case garrison, name, wave, phase
        case feedHead = "feed_head"
        case reports
        case openConflicts = "open_conflicts"
        case openQuarantine = "open_quarantine"
        case nodes
        case lastSeenSecondsAgo = "last_seen_seconds_ago"
        case queue, lag, enrolled
        case setAside = "set_aside"
        case setAsideCode = "set_aside_code"
    }

    public init(
        garrison: String,
        name: String,
        wave: Int,
        phase: String,
        feedHead: Int64,
        reports: Int64,
        openConflicts: Int64,
        openQuarantine: Int64,
        nodes: Int64,
        lastSeenSecondsAgo: Double?,
        queue: Int64?,
        lag: Int64?,
        enrolled: Int64,
        setAside: Int64? = nil,
        setAsideCode: String? = nil
    ) {
        self.garrison = garrison
        self.name = name
        self.wave = wave
        self.phase = phase
        self.feedHead = feedHead
        self.reports = reports
        self.openConflicts = openConflicts
        self.openQuarantine = openQuarantine
        self.nodes = nodes
        self.lastSeenSecondsAgo = lastSeenSecondsAgo
        self.queue = queue
        self.lag = lag
        self.enrolled = enrolled
        self.setAside = setAside
        self.setAsideCode = setAsideCode
    }
}

/// A stored conflict with its resolution.
public struct ConflictEntry: Codable, Hashable, Sendable {
    /// The administrators' handle for it.
    public let number: Int64
    public let record: ConflictRecord
    /// `kept` or `overridden`; nil while open.
    public let resolution: String?
    public let resolvedBy: String?

    private enum CodingKeys: String, CodingKey {
        case number, record, resolution
        case resolvedBy = "resolved_by"
    }

    public init(number: Int64, record: ConflictRecord, resolution: String?, resolvedBy: String?) {
        self.number = number
        self.record = record
        self.resolution = resolution
        self.resolvedBy = resolvedBy
    }
}

/// A quarantined change with where it came from and what became of it.
public struct QuarantineEntry: Codable, Hashable, Sendable {
    public let id: Int64
    public let garrison: String?
    public let nodeID: String
    public let role: String
    public let seq: Int64?
    public let change: Change
    public let reason: QuarantineReason
    /// `open`, `retried` or `dropped`.
    public let state: String
    public let resolvedBy: String?

    private enum CodingKeys: String, CodingKey {
        case id, garrison
        case nodeID = "node_id"
        case role, seq, change, reason, state
        case resolvedBy = "resolved_by"
    }

    public init(
        id: Int64,
        garrison: String?,
        nodeID: String,
        role: String,
        seq: Int64?,
        change: Change,
        reason: QuarantineReason,
        state: String,
        resolvedBy: String?
    ) {
        self.id = id
        self.garrison = garrison
        self.nodeID = nodeID
        self.role = role
        self.seq = seq
        self.change = change
        self.reason = reason
        self.state = state
        self.resolvedBy = resolvedBy
    }
}

/// Which entries a listing shows.
public enum ListingState: String, Sendable, CaseIterable {
    case open, resolved, all
}

/// A one-time enrollment token as the administrator receives it: the secret is shown once, the hub keeps a hash.
public struct EnrollmentToken: Codable, Hashable, Sendable {
    /// `<token id>.<secret>`: what `garrison node enroll --token` takes.
    public let token: String
    public let tokenID: String
    public let role: String
    public let garrison: String?
    public let expiresAt: Date

    private enum CodingKeys: String, CodingKey {
        case token
        case tokenID = "token_id"
        case role, garrison
        case expiresAt = "expires_at"
    }

    public init(token: String, tokenID: String, role: String, garrison: String?, expiresAt: Date) {
        self.token = token
        self.tokenID = tokenID
        self.role = role
        self.garrison = garrison
        self.expiresAt = expiresAt
    }
}

/// A token as listed to administrators (never its secret).
public struct EnrollmentTokenEntry: Codable, Hashable, Sendable {
    public let tokenID: String
    public let role: String
    public let garrison: String?
    public let createdBy: String
    public let expiresAt: Date
    public let usedAt: Date?
    public let nodeID: String?

    private enum CodingKeys: String, CodingKey {
        case tokenID = "token_id"
        case role, garrison
        case createdBy = "created_by"
        case expiresAt = "expires_at"
        case usedAt = "used_at"
        case nodeID = "node_id"
    }

    public init(
        tokenID: String,
        role: String,
        garrison: String?,
        createdBy: String,
        expiresAt: Date,
        usedAt: Date?,
        nodeID: String?
    ) {
        self.tokenID = tokenID
        self.role = role
        self.garrison = garrison
        self.createdBy = createdBy
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.nodeID = nodeID
    }
}

/// A certificate the hub signed at enrollment.
public struct IssuedCertificate: Codable, Hashable, Sendable {
    public let serial: String
    public let nodeID: String
    public let role: String
    public let garrison: String?
    public let notAfter: Date
    public let issuedAt: Date

    private enum CodingKeys: String, CodingKey {
        case serial
        case nodeID = "node_id"
        case role, garrison
        case notAfter = "not_after"
        case issuedAt = "issued_at"
    }

    public init(serial: String, nodeID: String, role: String, garrison: String?, notAfter: Date, issuedAt: Date) {
        self.serial = serial
        self.nodeID = nodeID
        self.role = role
        self.garrison = garrison
        self.notAfter = notAfter
        self.issuedAt = issuedAt
    }
}

/// What an administrator asks of a garrison's lifecycle (DESIGN §7).
public enum PhaseAction: String, Codable, Sendable, CaseIterable {
    /// `planned` → `pilot` → `live`, each step behind its readiness gates.
    case promote
    /// `pilot` or `live` → `suspended`: the garrison's node is refused until resumed.
    case suspend
    /// `suspended` → the phase it was suspended from.
    case resume
}

/// One readiness gate and whether the garrison passes it.
public struct GateCheck: Codable, Hashable, Sendable {
    /// `enrolled`, `seen`, `queue_drained`, `no_quarantine`.
    public let gate: String
    public let passed: Bool
    public let detail: String

    public init(gate: String, passed: Bool, detail: String) {
        self.gate = gate
        self.passed = passed
        self.detail = detail
    }
}

/// A recorded change of phase: who, when, from, to, why.
public struct PhaseChange: Codable, Hashable, Sendable {
    public let id: Int64
    public let garrison: String
    public let from: String
    public let to: String
    public let actor: String
    public let reason: String
    public let at: Date

    public init(id: Int64, garrison: String, from: String, to: String, actor: String, reason: String, at: Date) {
        self.id = id
        self.garrison = garrison
        self.from = from
        self.to = to
        self.actor = actor
        self.reason = reason
        self.at = at
    }
}

/// The answer to a promotion, suspension or resumption: the change made and the gates it checked.
public struct PhaseChangeResult: Codable, Hashable, Sendable {
    public let change: PhaseChange
    public let gates: [GateCheck]

    public init(change: PhaseChange, gates: [GateCheck]) {
        self.change = change
        self.gates = gates
    }
}

/// One certificate the hub knows (`GET /v1/admin/certificates`): its own, one it signed at enrollment, or one seen
/// in a request, with its days to expiry and whether it is revoked.
public struct CertificateLine: Codable, Hashable, Sendable {
    public let serial: String
    public let identity: String
    /// `hub`, `enrolled` or `seen`.
    public let source: String
    public let notAfter: Date
    public let daysToExpiry: Int
    public let revoked: Bool

    public init(serial: String, identity: String, source: String, notAfter: Date, daysToExpiry: Int, revoked: Bool) {
        self.serial = serial
        self.identity = identity
        self.source = source
        self.notAfter = notAfter
        self.daysToExpiry = daysToExpiry
        self.revoked = revoked
    }

    private enum CodingKeys: String, CodingKey {
        case serial, identity, source
        case notAfter = "not_after"
        case daysToExpiry = "days_to_expiry"
        case revoked
    }
}
