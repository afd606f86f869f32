import GarrisonTestSupport
import Foundation
import GarrisonConfig
import GarrisonCore
import GarrisonHub
import GarrisonSimulation
import Logging
import Testing

/// Health, readiness, metrics, and a hub that refuses to serve an outdated schema.
@Suite(.serialized) struct HubOperationsTests {
    @Test func healthReadinessAndPerGarrisonMetrics() async throws {
        try await TestHub.with { hub in
            var workload = GarrisonWorkload(garrison: "20", site: "node-20", seed: 21)
            let batch = PushRequest(changes: (1...5).map { QueuedChange(seq: Int64($0), change: workload.create(nowMillis: HubFixtures.now)) })
            _ = try await hub.withClient(hub.pki.node("20")) { try await $0.push(batch) }
            #expect(try await hub.opsText("/healthz").contains(#""status":"ok""#))
            #expect(try await hub.opsText("/readyz").contains(#""status":"ready","schema_version":7"#))
            let metrics = try await hub.opsText("/metrics")
            #expect(metrics.contains(#"garrison_hub_changes_applied_total{garrison="20"} 5"#))
            #expect(metrics.contains(#"garrison_hub_feed_head{garrison="20"} 5"#))
            #expect(metrics.contains(#"garrison_hub_reports{garrison="22"} 0"#))
            #expect(metrics.contains("garrison_hub_push_duration_seconds_bucket"))
        }
    }

    /// Every database call has a deadline (`database.query_timeout_seconds`): a row locked by another session
    /// makes a push answer 503 `database_timeout` with `Retry-After` at the deadline, instead of waiting without
    /// end, and the same push applies once the lock is gone.
    @Test func aPushBlockedByALockAnswers503AtTheDeadlineAndAppliesAfterwards() async throws {
        let hub = try await TestHub.start(extra: ["database.query_timeout_seconds": "2"])
        do {
            var workload = GarrisonWorkload(garrison: "20", site: "node-20", seed: 5)
            let batch = PushRequest(changes: [QueuedChange(seq: 1, change: workload.create(nowMillis: HubFixtures.now))])
            let body = try JSONEncoder().encode(batch)
            try await hub.withClient(hub.pki.node("20")) { client in
                _ = try await client.push(PushRequest(changes: []))  // registers node-20
                let (blocked, elapsed) = try await hub.withDatabase { database in
                    try await database.withTransaction(logger: Logger(label: "test.lock")) { connection in
                        try await connection.query("SELECT 1 FROM nodes WHERE node_id = 'node-20' FOR UPDATE", logger: Logger(label: "test.lock"))
                        let start = ContinuousClock.now
                        let response = try await client.exchange(.POST, "/v1/sync/push", body: body)
                        return (response, ContinuousClock.now - start)
                    }
                }
                #expect(blocked.status == 503 && blocked.problemCode == "database_timeout", "\(blocked.status) \(blocked.problemCode ?? "")")
                #expect(blocked.retryAfter == "2")
                #expect(elapsed >= .milliseconds(1_500) && elapsed < .seconds(8), "answered after \(elapsed)")
                #expect(try await client.push(batch).ackedThrough == 1, "the same push applies once the lock is gone")
            }
            #expect(try await hub.count("SELECT count(*) FROM reports") == 1)
        } catch {
            await hub.stop()
            throw error
        }
        await hub.stop()
    }

    @Test func aHubWithoutItsMigrationsRefusesToStartAndSaysWhatToRun() async throws {
        let pki = try TestPKI()
        let (cluster, name) = try await TestCluster.freshDatabase()
        let configuration = try HubConfiguration(config: ConfigSource(values: [
            "listen.address": "127.0.0.1:0", "ops.address": "off",
            "tls.certificate": pki.certificatePath, "tls.key": pki.keyPath, "tls.ca": pki.caPath,
            "database.host": cluster.socketDirectory, "database.port": "\(cluster.port)", "database.name": name,
        ]))
        var logger = Logger(label: "test.hub")
        logger.logLevel = .critical
        await #expect {
            try await buildHub(configuration: configuration, logger: logger).run()
        } throws: { error in
            "\(error)".contains("garrison hub migrate")
        }
    }
}
