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
            #expect(try await hub.opsText("/readyz").contains(#""status":"ready","schema_version":6"#))
            let metrics = try await hub.opsText("/metrics")
            #expect(metrics.contains(#"garrison_hub_changes_applied_total{garrison="20"} 5"#))
            #expect(metrics.contains(#"garrison_hub_feed_head{garrison="20"} 5"#))
            #expect(metrics.contains(#"garrison_hub_reports{garrison="22"} 0"#))
            #expect(metrics.contains("garrison_hub_push_duration_seconds_bucket"))
        }
    }

    @Test func aHubWithoutItsMigrationsRefusesToStartAndSaysWhatToRun() async throws {
        let pki = try TestPKI()
        let (cluster, name) = try TestCluster.freshDatabase()
        let configuration = try HubConfiguration(reader: ConfigReader(values: [
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
