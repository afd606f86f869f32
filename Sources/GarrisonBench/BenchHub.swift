import Foundation
import GarrisonConfig
import GarrisonCore
import GarrisonEmbeddedPostgres
import GarrisonHub
import GarrisonPKI
import Logging

/// A real hub for a benchmark: a fresh deployment CA, the hub's certificate for 127.0.0.1, the hub on a database
/// of an embedded cluster, every garrison `live`.
struct BenchHub: Sendable {
    let ca: CertificateAuthority
    let hub: Hub
    let port: Int
    let scratch: URL
    private let task: Task<Void, any Error>

    static func start(cluster: EmbeddedPostgres, database: String, scratch: URL, logger: Logger) async throws -> BenchHub {
        let ca = try CertificateAuthority.create()
        let hubCredential = try ca.issueCredential(
            for: CertificateIdentity(role: .hub, nodeID: "hub"), dnsNames: ["localhost"])
        try hubCredential.write(to: scratch, name: "hub")
        try Data(ca.certificatePEM.utf8).write(to: scratch.appendingPathComponent("ca.pem"))
        let configuration = try HubConfiguration(config: ConfigSource(values: [
            "listen.address": "127.0.0.1:0", "ops.address": "127.0.0.1:0",
            "tls.certificate": scratch.appendingPathComponent("hub.pem").path,
            "tls.key": scratch.appendingPathComponent("hub.key").path, "tls.ca": scratch.appendingPathComponent("ca.pem").path,
            "database.host": cluster.socketDirectory, "database.port": "\(cluster.port)", "database.name": database,
            "database.user": "garrison_app", "database.migrate": "true", "migration.user": "garrison_owner",
            "database.pool_size": "40",
        ]))
        let hub = buildHub(configuration: configuration, logger: logger)
        let task = Task { try await hub.run() }
        do {
            let port = try await hub.boundPort()
            try cluster.execute("UPDATE garrisons SET phase = 'live'", database: database)
            return BenchHub(ca: ca, hub: hub, port: port, scratch: scratch, task: task)
        } catch {
            await hub.shutdown()
            task.cancel()
            _ = await task.result
            throw error
        }
    }

    var baseURL: String { "https://localhost:\(port)" }

    /// Graceful shutdown, waited for.
    func stop() async {
        await hub.shutdown()
        _ = await task.result
    }
}
