import GarrisonCore

/// The hub as the simulation runs it: the same `BatchApplier` the real hub uses, over in-memory tables.
struct SimulatedHub {
    let applier = BatchApplier()
    /// `.planner` and `.highWater` break this hub on purpose (see `Sabotage`).
    var sabotage: Sabotage?
    private(set) var identity = HubIdentity(systemID: "simulated-hub", timeline: 1)
    private(set) var states: [String: ReportState] = [:]
    /// The whole feed in position order, each entry tagged with its garrison.
    private(set) var feed: [(garrison: GarrisonCode, entry: FeedEntry)] = []
    /// Positions in `feed` of each garrison's entries, for cheap pulls.
    private var feedIndex: [GarrisonCode: [Int]] = [:]
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
        return PushAck(ackedThrough: acked, rejections: plan.rejections, hub: identity)
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
            let entry = FeedEntry(position: Int64(feed.count + 1), change: append.change, committedAtMillis: nowMillis)
            feedIndex[append.garrison, default: []].append(feed.count)
            feed.append((append.garrison, entry))
        }
        for conflict in plan.conflicts { conflicts[conflict.id] = conflict }
        for item in plan.quarantined {
            quarantined.append((states[item.change.reportID]?.garrison ?? item.change.garrison, item))
        }
        applied += plan.applied
    }

    /// `GET /v1/sync/pull`: a garrison's feed (the national role names the garrison of its lane, `garrison`;
    /// without one it reads every garrison's).
    func pull(cursor: Int64, limit: Int, for principal: Principal, garrison lane: GarrisonCode? = nil) -> PullPage {
        let head = Int64(feed.count)
        var entries: [FeedEntry] = []
        if principal.role == .national, lane == nil {
            let start = Int(max(0, cursor))
            entries = feed[min(start, feed.count)...].prefix(limit).map(\.entry)
        } else if let garrison = principal.role == .national ? lane : principal.garrison, let index = feedIndex[garrison] {
            // Positions are 1-based and increasing: binary-search the first entry after the cursor.
            var low = 0
            var high = index.count
            while low < high {
                let mid = (low + high) / 2
                if Int64(index[mid] + 1) <= cursor { low = mid + 1 } else { high = mid }
            }
            entries = index[low...].prefix(limit).map { feed[$0].entry }
        }
        let next = entries.last?.position ?? cursor
        let caughtUp = entries.count < limit
        return PullPage(entries: entries, nextCursor: caughtUp ? max(next, head) : next, caughtUp: caughtUp, head: head, hub: identity)
    }
}
