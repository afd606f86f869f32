import GarrisonCore

/// The hub as the simulation runs it: the same `BatchApplier` the real hub uses, over in-memory tables.
struct SimulatedHub {
    let applier = BatchApplier()
    /// `.planner` and `.highWater` break this hub on purpose (see `Sabotage`).
    var sabotage: Sabotage?
    private(set) var identity = HubIdentity(systemID: "simulated-hub", timeline: 1)
    /// A second hub instance on the same database (DESIGN §4, several hubs), answering every other request; it
    /// reads the database's new identity only a while after a failover (`until`), as a real one reads it again
    /// when its connections are re-established.
    private(set) var secondInstance: (identity: HubIdentity, until: Int64)?
    private var answers = 0
    private(set) var states: [String: ReportState] = [:]
    /// Each garrison's feed in position order; positions are 1… per garrison, as the real hub's `feed` table has them.
    private(set) var feeds: [GarrisonCode: [FeedEntry]] = [:]
    private var highWater: [SiteID: Int64] = [:]
    private(set) var conflicts: [String: ConflictRecord] = [:]
    private(set) var quarantined: [(garrison: GarrisonCode, item: BatchApplier.Quarantined)] = []
    /// `site/seq` of every queued change the hub has taken (applied or quarantined): a second take is a duplicate.
    private var taken: Set<String> = []
    private(set) var duplicates = 0
    private(set) var applied = 0

    /// This hub as restored from `backup`: the backup's data on a new timeline, as a point-in-time restore gives.
    func restored(from backup: SimulatedHub) -> SimulatedHub {
        var hub = backup
        hub.identity = HubIdentity(systemID: identity.systemID, timeline: identity.timeline + 1)
        return hub
    }

    /// This hub after a failover of its database to a synchronous standby: the same data on a new timeline. With
    /// `twoInstances`, the second instance keeps answering with the old identity for `lagMillis`.
    mutating func failOver(nowMillis: Int64, twoInstances: Bool, lagMillis: Int64) {
        let old = identity
        identity = HubIdentity(systemID: identity.systemID, timeline: identity.timeline + 1)
        secondInstance = twoInstances ? (old, nowMillis + lagMillis) : nil
    }

    /// The identity an answer names: every other one comes from the second instance, if there is one.
    private mutating func answeringIdentity(nowMillis: Int64) -> HubIdentity {
        answers += 1
        if let second = secondInstance, answers % 2 == 0, nowMillis < second.until { return second.identity }
        return identity
    }

    /// The head of `garrison`'s feed.
    func head(of garrison: GarrisonCode) -> Int64 { Int64(feeds[garrison]?.count ?? 0) }

    /// `POST /v1/sync/push`.
    mutating func push(_ request: PushRequest, from principal: Principal, nowMillis: Int64) -> PushAck {
        let planned = sabotage == .planner && request.changes.count > 1
            ? PushRequest(changes: Array(request.changes.dropLast()), rebase: request.rebase) : request
        let ids = Set(planned.changes.map(\.change.reportID))
        let current = states.filter { ids.contains($0.key) }
        let mark = sabotage == .highWater ? 0 : highWater[principal.site] ?? 0
        let plan = applier.plan(planned, from: principal, highWater: mark, current: current, nowMillis: nowMillis)
        // Counted from what the plan took, not from the high-water arithmetic it is checked against.
        for seq in plan.taken where !taken.insert("\(principal.site)/\(seq)").inserted { duplicates += 1 }
        commit(plan, nowMillis: nowMillis)
        // The broken planner acknowledges the change it dropped, as if it had been applied.
        let acked = sabotage == .planner ? max(plan.ackedThrough, request.changes.last?.seq ?? 0) : plan.ackedThrough
        highWater[principal.site] = acked
        return PushAck(ackedThrough: acked, rejections: plan.rejections, hub: answeringIdentity(nowMillis: nowMillis))
    }

    /// A citizen's report or confirmation through the public intake.
    mutating func intake(_ change: Change, nowMillis: Int64) -> QuarantineReason? {
        let plan = applier.planSingle(
            change, from: Principal(role: .intake, site: "hub-intake"), current: states[change.reportID],
            nowMillis: nowMillis)
        commit(plan, nowMillis: nowMillis)
        return plan.quarantined.first?.reason
    }

    private mutating func commit(_ plan: BatchApplier.Plan, nowMillis: Int64) {
        states.merge(plan.states) { $1 }
        for append in plan.feed {
            let position = head(of: append.garrison) + 1
            feeds[append.garrison, default: []].append(
                FeedEntry(position: position, change: append.change, committedAtMillis: nowMillis))
        }
        for conflict in plan.conflicts { conflicts[conflict.id] = conflict }
        for item in plan.quarantined {
            quarantined.append((states[item.change.reportID]?.garrison ?? item.change.garrison, item))
        }
        applied += plan.applied
    }

    /// `GET /v1/sync/pull`: a garrison's feed (the national role names the garrison of its lane, `garrison`).
    mutating func pull(
        cursor: Int64, limit: Int, for principal: Principal, garrison lane: GarrisonCode? = nil, nowMillis: Int64
    ) -> PullPage {
        let garrison = principal.role == .national ? lane : principal.garrison
        let feed = garrison.flatMap { feeds[$0] } ?? []
        let head = Int64(feed.count)
        // Positions are 1… without gaps: the entries after the cursor start at index `cursor`.
        let entries = Array(feed[Int(min(max(0, cursor), head))...].prefix(limit))
        let next = entries.last?.position ?? cursor
        let caughtUp = entries.count < limit
        return PullPage(
            entries: entries, nextCursor: caughtUp ? max(next, head) : next, caughtUp: caughtUp, head: head,
            hub: answeringIdentity(nowMillis: nowMillis))
    }
}
