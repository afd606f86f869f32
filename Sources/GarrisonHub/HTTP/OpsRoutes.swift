import GarrisonHTTP
import Foundation
import GarrisonCore
import Hummingbird

/// `/healthz` (the process answers), `/readyz` (started and not stopping, database reachable, migrations
/// current) and Prometheus
/// `/metrics` with per-garrison series (DESIGN §8). Served on the TLS listener and on the local ops listener.
struct OpsRoutes {
    let store: HubStore
    let metrics: HubMetrics
    /// Whether the start-up work is done and no shutdown has begun.
    let readiness: Readiness
    /// The listeners whose connection figures `/metrics` shows.
    let listeners: [ListenerStats]
    /// The certificates the hub knows, for `garrison_hub_certificate_expiry_days`.
    let certificates: @Sendable () async throws -> [CertificateLine]

    /// Registers the probes on `router` and `/metrics` on `metricsGroup`: on the TLS listener a group behind the
    /// administrators' `RoleGate` (certificates, garrisons and refusals are for them only), on the ops listener
    /// (bound to the host's loopback) the router itself.
    func register<Context: RequestContext>(on router: Router<Context>, metricsOn metricsGroup: RouterGroup<Context>) {
        router.get("/healthz") { _, _ in Response.jsonBytes(Array(#"{"status":"ok"}"#.utf8)) }
        router.get("/readyz") { _, context in
            switch readiness.current {
            case .starting:
                throw Problem(
                    .serviceUnavailable, code: .hubStarting,
                    detail: "the hub is still starting (database checks, migrations, waves, catalogues)", retryAfterSeconds: 1)
            case .stopping:
                throw Problem(.serviceUnavailable, code: .hubStopping, detail: "the hub is stopping")
            case .serving:
                break
            }
            let version: Int
            do {
                version = try await store.schemaVersion()
            } catch {
                context.logger.warning("readiness: database unreachable", metadata: ["error": "\(String(reflecting: error))"])
                throw Problem(.serviceUnavailable, code: .databaseUnreachable, detail: "the hub cannot reach its database")
            }
            guard version == Migration.latestVersion else {
                throw Problem(
                    .serviceUnavailable, code: .migrationsPending,
                    detail: "the schema is at version \(version); this hub needs \(Migration.latestVersion): run `garrison hub migrate`")
            }
            return Response.jsonBytes(Array(#"{"status":"ready","schema_version":\#(version)}"#.utf8))
        }
        metricsGroup.get("/metrics") { _, context in
            do {
                for row in try await store.overview() {
                    metrics.gauge("feed_head", garrison: row.garrison, value: Double(row.feedHead), help: "Feed head position")
                    metrics.gauge("reports", garrison: row.garrison, value: Double(row.reports), help: "Reports held")
                    metrics.gauge("open_conflicts", garrison: row.garrison, value: Double(row.openConflicts), help: "Unresolved conflicts")
                    metrics.gauge("open_quarantine", garrison: row.garrison, value: Double(row.openQuarantine), help: "Quarantined changes awaiting an administrator")
                    metrics.gauge("nodes", garrison: row.garrison, value: Double(row.nodes), help: "Nodes registered")
                    metrics.gauge("last_seen_seconds", garrison: row.garrison, value: row.lastSeenSecondsAgo ?? -1, help: "Seconds since a node of the garrison was last seen (-1: never)")
                }
                for line in try await certificates() {
                    metrics.certificateExpiry(serial: line.serial, identity: line.identity, days: Double(line.daysToExpiry))
                }
            } catch {
                context.logger.warning("metrics: database gauges unavailable", metadata: ["error": "\(String(reflecting: error))"])
            }
            for listener in listeners { metrics.record(listener: listener) }
            var response = Response.jsonBytes(metrics.render())
            response.headers[.contentType] = "text/plain; version=0.0.4"
            return response
        }
    }
}
