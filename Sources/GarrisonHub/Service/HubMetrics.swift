import Foundation
import GarrisonCore
import GarrisonHTTP
import GarrisonPKI
import Prometheus
import Synchronization

/// The hub's Prometheus series (DESIGN §8), per garrison. One registry per hub instance, so several hubs in
/// one process (tests) never share counters; nothing is bootstrapped globally.
public final class HubMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let pushDuration: DurationHistogram
    /// Each listener's figures as last added to the counters, so a scrape adds only what happened since.
    private let listenersReported = Mutex<[String: ListenerStats.Snapshot]>([:])

    public init() {
        pushDuration = registry.makeDurationHistogram(
            descriptor: Self.name("push_duration", unit: "seconds", help: "Time to apply one pushed batch, commit included"),
            buckets: [.milliseconds(5), .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                      .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5)])
    }

    private static func name(_ metric: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "garrison", subsystem: "hub", metricName: metric, unitName: unit, helpText: help)
    }

    private func count(_ metric: String, _ help: String, labels: [(String, String)], by amount: Int) {
        registry.makeCounter(descriptor: Self.name(metric, unit: "total", help: help), labels: labels).increment(by: Int64(amount))
    }

    /// Records one push.
    func pushed(garrison: String, result: PushResult, duration: Duration) {
        let labels = [("garrison", garrison)]
        count("changes_applied", "Changes merged", labels: labels, by: result.applied)
        count("changes_replayed", "Replayed changes skipped (exactly-once)", labels: labels, by: result.skipped)
        count("conflicts", "Conflicts recorded", labels: labels, by: result.conflicts)
        count("quarantined", "Changes quarantined", labels: labels, by: result.quarantined)
        pushDuration.record(duration)
    }

    /// Counts a refusal: `cross_tenant`, `garrison_planned`, `garrison_suspended`, `too_large`, …
    func refused(garrison: String, code: ProblemCode) {
        count("refusals", "Requests refused, by the sender's garrison and the problem code",
              labels: [("garrison", garrison), ("code", code.rawValue)], by: 1)
    }

    /// Sets a per-garrison gauge read from the database at scrape time.
    func gauge(_ metric: String, garrison: String, value: Double, help: String) {
        registry.makeGauge(descriptor: Self.name(metric, unit: "", help: help), labels: [("garrison", garrison)]).set(value)
    }

    /// Sets a certificate's days to expiry (`garrison_hub_certificate_expiry_days{serial, identity}`).
    func certificateExpiry(serial: String, identity: String, days: Double) {
        registry.makeGauge(
            descriptor: Self.name("certificate_expiry", unit: "days", help: "Whole days until the certificate expires"),
            labels: [("serial", serial), ("identity", identity)]
        ).set(days)
    }

    /// A listener's connections: open now (`garrison_hub_listener_connections`), and since start accepted,
    /// refused at the cap, and cut by each timeout (`…_listener_accepted_total`, `…_refused_total`, `…_cut_total`).
    func record(listener stats: ListenerStats) {
        let (now, before) = listenersReported.withLock { reported in
            let now = stats.snapshot
            defer { reported[stats.name] = now }
            return (now, reported[stats.name])
        }
        let labels = [("listener", stats.name)]
        registry.makeGauge(descriptor: Self.name("listener_connections", unit: "", help: "Connections open on the listener"), labels: labels)
            .set(Double(now.open))
        count("listener_accepted", "Connections accepted under the listener's cap", labels: labels, by: now.accepted - (before?.accepted ?? 0))
        count("listener_refused", "Connections closed at once because the listener was at its cap", labels: labels,
              by: now.refused - (before?.refused ?? 0))
        for cut in ListenerStats.Cut.allCases {
            count("listener_cut", "Connections cut by a timeout (idle, header, body)", labels: labels + [("cause", cut.rawValue)],
                  by: (now.cut[cut] ?? 0) - (before?.cut[cut] ?? 0))
        }
    }

    /// The exposition text.
    func render() -> [UInt8] {
        registry.makeGauge(
            descriptor: Self.name(
                "database_calls_abandoned", unit: "",
                help: "Database calls abandoned at their deadline since the process started (cancelled; one stuck in a future that never completes keeps its connection)"),
            labels: []
        ).set(Double(DatabaseCallDeadline.abandoned.load(ordering: .relaxed)))
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

extension Principal {
    /// The label its refusals and pushes are counted under: its garrison, or its role for the unbound ones.
    var label: String { garrison?.rawValue ?? role.rawValue }
}

extension CertificateIdentity {
    /// The label its refusals are counted under: its garrison, or its role for the unbound ones.
    var label: String { garrison?.rawValue ?? role.rawValue }
}
