/// Plans the hub's application of a pushed batch, in memory (DESIGN §4–§5): which changes apply, which are
/// quarantined, the new states, the conflicts, the feed entries and the new high-water mark. The hub reads the
/// current states of all the batch's reports in one round trip, calls `plan`, and writes the result in one
/// transaction; the simulation calls the same function.
public struct BatchApplier: Sendable {
    /// A change the hub set aside, with its reason.
    public struct Quarantined: Hashable, Sendable {
        public let seq: Int64?
        public let change: Change
        public let reason: QuarantineReason
    }

    /// Something to append to a garrison's feed.
    public struct FeedAppend: Hashable, Sendable {
        public let garrison: GarrisonCode
        public let change: Change
    }

    /// The outcome of planning one batch.
    public struct Plan: Hashable, Sendable {
        /// The new state of every report the batch changed.
        public var states: [String: ReportState] = [:]
        public var feed: [FeedAppend] = []
        public var conflicts: [ConflictRecord] = []
        public var quarantined: [Quarantined] = []
        /// The node's high-water mark after the batch.
        public var ackedThrough: Int64
        /// Sequences already applied before (a replayed or overlapping batch): skipped, not applied twice.
        public var skipped: Int = 0
        /// Changes applied.
        public var applied: Int = 0
        /// The sequences this batch took (applied or quarantined): each must be taken once over a node's life.
        public var taken: [Int64] = []
        /// True when the batch started past `highWater + 1` without `rebase`: nothing applied (the node will
        /// see `ackedThrough` below what it had acknowledged and re-sync).
        public var gap = false

        /// The rejections to send back to the node.
        public var rejections: [Rejection] {
            quarantined.compactMap { item in item.seq.map { Rejection(seq: $0, reason: item.reason) } }
        }
    }

    public let validator: ChangeValidator
    /// The hub's own site id, used as the origin of the snapshot it sends a garrison a report moved to.
    public let hubSite: SiteID

    public init(validator: ChangeValidator = ChangeValidator(), hubSite: SiteID = "hub") {
        self.validator = validator
        self.hubSite = hubSite
    }

    /// Plans a node's pushed batch given its high-water mark and the current states of the batch's reports.
    ///
    /// `refused` names changes already refused (unreadable, or refused by the database), quarantined as they are.
    /// `unavailable` names reports that exist but that the sender may not see (a store with row-level security
    /// finds them only when a creation collides): a change to one is quarantined, never merged.
    public func plan(
        _ request: PushRequest, from principal: Principal, highWater: Int64, current: [String: ReportState],
        unavailable: Set<String> = [], refused: [Int64: QuarantineReason] = [:], nowMillis: Int64
    ) -> Plan {
        var plan = Plan(ackedThrough: highWater)
        let ordered = request.changes.sorted { $0.seq < $1.seq }
        // No `highWater + 1`: neither a stored mark nor a received sequence number is trusted not to overflow.
        if let first = ordered.first(where: { $0.seq > highWater }), !request.rebase,
            first.seq.subtractingReportingOverflow(highWater).overflow || first.seq - highWater > 1
        {
            plan.gap = true
            return plan
        }
        var states = current
        for queued in ordered {
            guard queued.seq > plan.ackedThrough else {
                plan.skipped += 1
                continue
            }
            if let reason = refused[queued.seq] {
                plan.quarantined.append(Quarantined(seq: queued.seq, change: queued.change, reason: reason))
            } else if unavailable.contains(queued.change.reportID) {
                let reason: QuarantineReason = queued.change.kind == .create
                    ? .reportExists(queued.change.reportID) : .unknownReport(queued.change.reportID)
                plan.quarantined.append(Quarantined(seq: queued.seq, change: queued.change, reason: reason))
            } else {
                apply(queued.change, seq: queued.seq, from: principal, states: &states, plan: &plan, nowMillis: nowMillis)
            }
            plan.taken.append(queued.seq)
            plan.ackedThrough = queued.seq
        }
        return plan
    }

    /// Plans one change that does not come from a node's queue (citizens' intake, an admin action).
    public func planSingle(_ change: Change, from principal: Principal, current: ReportState?, nowMillis: Int64) -> Plan {
        var plan = Plan(ackedThrough: 0)
        var states: [String: ReportState] = [:]
        if let current { states[change.reportID] = current }
        apply(change, seq: nil, from: principal, states: &states, plan: &plan, nowMillis: nowMillis)
        return plan
    }

    private func apply(
        _ change: Change, seq: Int64?, from principal: Principal, states: inout [String: ReportState],
        plan: inout Plan, nowMillis: Int64
    ) {
        let before = states[change.reportID]
        if let reason = Authority.check(change, by: principal, current: before) {
            plan.quarantined.append(Quarantined(seq: seq, change: change, reason: reason))
            return
        }
        do {
            try validator.validate(change, current: before, from: principal, nowMillis: nowMillis)
        } catch {
            plan.quarantined.append(Quarantined(seq: seq, change: change, reason: .invalid(error)))
            return
        }
        let outcome = MergeEngine.apply(change, to: before, nowMillis: nowMillis)
        plan.applied += 1
        plan.conflicts += outcome.conflicts
        guard outcome.changed else { return }
        states[change.reportID] = outcome.state
        plan.states[change.reportID] = outcome.state
        let oldGarrison = before?.garrison
        let newGarrison = outcome.state.garrison ?? change.garrison
        plan.feed.append(FeedAppend(garrison: newGarrison, change: change))
        if let oldGarrison, oldGarrison != newGarrison {
            // The old garrison learns the report left; the new one gets the whole report, not just the move.
            plan.feed.append(FeedAppend(garrison: oldGarrison, change: change))
            plan.feed.append(FeedAppend(garrison: newGarrison, change: Change(snapshotOf: outcome.state, origin: hubSite)))
        }
    }
}
