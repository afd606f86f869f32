import GarrisonHTTP
import Foundation
import GarrisonCore
import Prometheus

/// `GET /v1/status`: what an operator at the voivodeship HQ checks first — is the queue draining, is the node
/// caught up with the hub, what was refused.
struct NodeStatusView: Encodable {
    let garrison: String?
    let site: String
    let reports: Int
    let queueDepth: Int
    let oldestUnackedAgeSeconds: Double?
    let lastAcked: Int64
    let lastPushAt: Int64?
    let lastPullAt: Int64?
    let cursor: Int64
    let hubHead: Int64?
    let caughtUp: Bool
    let hub: String?
    let rejections: Int
    let conflicts: Int
    let pushFailures: Int
    let pullFailures: Int
    let resyncs: Int
    let lastError: String?
    let pullLagMillis: Int64?
    let syncEnabled: Bool
    /// Changes set aside: the hub kept refusing each alone, so it left the queue for the rest to drain
    /// (`garrison node queue` retries or drops them).
    let setAside: Int
    /// The oldest of them (at most 100), each with the hub's reason.
    let setAsideChanges: [SetAsideEntry]
    /// Pushes of the queue's first change alone the hub refused in a row so far.
    let refusedInARow: Int
    /// Pulled changes this node could not read or refused, kept with their reason while the cursor moved on.
    let refusedPulls: Int
    /// The hub refused a change of this node as stamped ahead of its clock: this node's clock is ahead.
    let clockAhead: Bool
    let clockAheadDetail: String?
    /// The national node: each followed garrison's feed, pulled with a cursor of its own.
    let feeds: [FeedView]?

    struct FeedView: Encodable {
        let garrison: String
        let cursor: Int64
        let hubHead: Int64?
        let caughtUp: Bool
        let lastPullAt: Int64?
        let pullFailures: Int
        let lastError: String?
        /// Hub commit to application here of the last change pulled from this feed.
        let lagMillis: Int64?

        enum CodingKeys: String, CodingKey {
            case garrison, cursor
            case lagMillis = "lag_ms"
            case hubHead = "hub_head"
            case caughtUp = "caught_up"
            case lastPullAt = "last_pull_at"
            case pullFailures = "pull_failures"
            case lastError = "last_error"
        }
    }

    enum CodingKeys: String, CodingKey {
        case garrison, site, reports, cursor, hub, rejections, conflicts, resyncs, feeds
        case queueDepth = "queue_depth"
        case oldestUnackedAgeSeconds = "oldest_unacked_age_seconds"
        case lastAcked = "last_acked"
        case lastPushAt = "last_push_at"
        case lastPullAt = "last_pull_at"
        case hubHead = "hub_head"
        case caughtUp = "caught_up"
        case pushFailures = "push_failures"
        case pullFailures = "pull_failures"
        case lastError = "last_error"
        case pullLagMillis = "pull_lag_ms"
        case syncEnabled = "sync_enabled"
        case setAside = "set_aside"
        case setAsideChanges = "set_aside_changes"
        case refusedInARow = "refused_in_a_row"
        case refusedPulls = "refused_pulls"
        case clockAhead = "clock_ahead"
        case clockAheadDetail = "clock_ahead_detail"
    }
}

extension Node {
    /// The status from the store's figures and the sync worker's.
    func statusView() throws -> NodeStatusView {
        let figures = try store.figures()
        let checkpoint = try store.checkpoint()
        let sync = worker?.status
        let measured = worker?.measured
        let now = clock()
        let setAside = try store.setAsideChanges(limit: 100)
        let setAsideCount = setAside.count < 100 ? setAside.count : Int(try store.setAsideSummary().count)
        // The worker's evidence first; after a restart, a change set aside as stamped in the future and not
        // followed by a push the hub took still says so.
        let clockAhead = sync?.clockAhead ?? setAside.last { entry in
            entry.code == SyncStatus.clockAheadCode && entry.setAsideAtMillis > (sync?.lastPushMillis ?? 0)
        }?.detail
        return NodeStatusView(
            garrison: store.principal.garrison?.rawValue, site: store.principal.site.rawValue, reports: figures.reports,
            queueDepth: figures.queueDepth,
            oldestUnackedAgeSeconds: figures.oldestQueuedMillis.map { Double(max(0, now - $0)) / 1000 },
            lastAcked: checkpoint.lastAcked, lastPushAt: sync?.lastPushMillis, lastPullAt: sync?.lastPullMillis,
            cursor: checkpoint.cursor, hubHead: sync?.hubHead, caughtUp: sync?.caughtUp ?? false,
            hub: checkpoint.hub?.description, rejections: figures.rejections, conflicts: figures.conflicts,
            pushFailures: sync?.pushFailures ?? 0, pullFailures: sync?.pullFailures ?? 0, resyncs: sync?.resyncs ?? 0,
            lastError: sync?.lastError, pullLagMillis: measured?.lastLagMillis, syncEnabled: worker != nil,
            setAside: setAsideCount, setAsideChanges: setAside, refusedInARow: sync?.refusedInARow ?? 0,
            refusedPulls: figures.refusedPulls,
            clockAhead: clockAhead != nil, clockAheadDetail: clockAhead,
            feeds: worker.flatMap { worker in
                let lanes = worker.feedStatuses
                return lanes.isEmpty ? nil : lanes.map { garrison, status in
                    NodeStatusView.FeedView(
                        garrison: garrison.rawValue, cursor: status.cursor, hubHead: status.hubHead, caughtUp: status.caughtUp,
                        lastPullAt: status.lastPullMillis, pullFailures: status.pullFailures, lastError: status.lastError,
                        lagMillis: measured?.lagByFeed[garrison])
                }
            })
    }
}

/// The node's Prometheus series (DESIGN §8), set from the status at scrape time. One registry per node, so
/// several nodes in one process (tests, the demo) never share series.
final class NodeMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    func render(_ status: NodeStatusView, nowMillis: Int64, api: ListenerStats.Snapshot? = nil) -> [UInt8] {
        let labels = [("garrison", status.garrison ?? "national")]
        func gauge(_ name: String, _ help: String, _ value: Double) {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(namespace: "garrison", subsystem: "node", metricName: name, unitName: "", helpText: help),
                labels: labels
            ).set(value)
        }
        func age(_ millis: Int64?) -> Double { millis.map { Double(nowMillis - $0) / 1000 } ?? -1 }
        gauge("queue_depth", "Local changes waiting for the hub's acknowledgement", Double(status.queueDepth))
        gauge("oldest_unacked_age_seconds", "Age of the oldest unacknowledged change (0: queue empty)", status.oldestUnackedAgeSeconds ?? 0)
        gauge("last_push_age_seconds", "Seconds since the last successful push (-1: none since start)", age(status.lastPushAt))
        gauge("last_pull_age_seconds", "Seconds since the last successful pull (-1: none since start)", age(status.lastPullAt))
        gauge("cursor", "Last feed position applied", Double(status.cursor))
        gauge("hub_head", "The hub's feed head at the last pull", Double(status.hubHead ?? 0))
        gauge("caught_up", "1 when the last pull reached the feed's head", status.caughtUp ? 1 : 0)
        gauge("rejections", "Local changes the hub refused (kept visible)", Double(status.rejections))
        gauge("conflicts", "Conflicts recorded here", Double(status.conflicts))
        gauge("reports", "Reports held", Double(status.reports))
        gauge("push_failures", "Consecutive failed pushes", Double(status.pushFailures))
        gauge("pull_failures", "Consecutive failed pulls", Double(status.pullFailures))
        gauge("set_aside", "Local changes set aside: the hub kept refusing each alone (garrison node queue list)", Double(status.setAside))
        gauge("refused_pulls", "Pulled changes this node could not read or refused, kept in refused_pull with the reason", Double(status.refusedPulls))
        gauge("push_refused_in_a_row", "Pushes of the queue's first change alone the hub refused in a row", Double(status.refusedInARow))
        gauge("clock_ahead", "1 when the hub refused a change of this node as stamped ahead of its clock", status.clockAhead ? 1 : 0)
        gauge("resyncs", "Re-syncs since start (hub restored from an older backup)", Double(status.resyncs))
        gauge("pull_lag_seconds", "Hub commit to local apply of the last pulled change from elsewhere", Double(status.pullLagMillis ?? 0) / 1000)
        if let api {
            gauge("api_connections", "Connections open on the local API", Double(api.open))
            gauge("api_connections_accepted", "Connections accepted by the local API since start", Double(api.accepted))
            gauge("api_connections_refused", "Connections closed at once since start: the local API was at api.max_connections", Double(api.refused))
            for (cause, count) in api.cut {
                registry.makeGauge(
                    descriptor: MetricNameDescriptor(
                        namespace: "garrison", subsystem: "node", metricName: "api_connections_cut", unitName: "",
                        helpText: "Connections of the local API cut by a timeout since start (idle, header, body)"),
                    labels: labels + [("cause", cause.rawValue)]
                ).set(Double(count))
            }
        }
        for feed in status.feeds ?? [] {
            let feedLabels = [("feed", feed.garrison)]
            func feedGauge(_ name: String, _ help: String, _ value: Double) {
                registry.makeGauge(
                    descriptor: MetricNameDescriptor(namespace: "garrison", subsystem: "national", metricName: name, unitName: "", helpText: help),
                    labels: feedLabels
                ).set(value)
            }
            feedGauge("feed_lag_seconds", "Hub commit to national apply of the last change of the garrison's feed (-1: none yet)", feed.lagMillis.map { Double($0) / 1000 } ?? -1)
            feedGauge("feed_cursor", "Last position of the garrison's feed applied here", Double(feed.cursor))
            feedGauge("feed_behind", "Feed entries at the hub not yet applied here, as of the last pull", Double(max(0, (feed.hubHead ?? feed.cursor) - feed.cursor)))
            feedGauge("feed_caught_up", "1 when the last pull of the garrison's feed reached its head", feed.caughtUp ? 1 : 0)
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
