import Foundation
import Prometheus

/// The hub's Prometheus series (DESIGN §8), per garrison. One registry per hub instance, so several hubs in
/// one process (tests) never share counters; nothing is bootstrapped globally.
public final class HubMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let pushDuration: DurationHistogram

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
    func refused(garrison: String, code: String) {
        count("refusals", "Requests refused, by the sender's garrison and the problem code",
              labels: [("garrison", garrison), ("code", code)], by: 1)
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

    /// The exposition text.
    func render() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
