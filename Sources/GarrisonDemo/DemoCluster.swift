import Foundation
import GarrisonConfig
import GarrisonEmbeddedPostgres
import GarrisonHub
import GarrisonPKI
import Logging

/// The demo's deployment: a private PostgreSQL with the deployment database and roles, a CA, and the hub on it
/// (migrating at start) over mutual TLS, its files in the demo's temporary directory.
final class DemoCluster: Sendable {
    let directory: URL
    let postgres: EmbeddedPostgres
    let database = "garrison_demo"
    let ca: CertificateAuthority
    let hub: Hub
    let hubPort: Int
    private let task: Task<Void, any Error>

    var caPath: String { directory.appendingPathComponent("pki/ca.pem").path }
    var pkiDirectory: URL { directory.appendingPathComponent("pki") }

    /// Starts PostgreSQL, the CA and the hub; on failure whatever was started is stopped again.
    static func start(directory: URL, logger: Logger) async throws -> DemoCluster {
        let postgres: EmbeddedPostgres
        do {
            postgres = try EmbeddedPostgres.start(durable: true, logger: logger)
        } catch let error as EmbeddedPostgresError {
            throw DemoError("cannot start the embedded PostgreSQL: \(error.description)\n"
                + "The demo needs the PostgreSQL server programs: on Debian or Ubuntu install the package `postgresql` "
                + "(apt-get install postgresql), or set GARRISON_PG_BIN to the directory holding initdb and pg_ctl.")
        }
        DemoOutput.step("embedded PostgreSQL running in \(postgres.directory.path)")
        do {
            try postgres.createDeploymentDatabase(name: "garrison_demo")
            DemoOutput.step("database garrison_demo created (owner garrison_owner, application role garrison_app without BYPASSRLS)")
            let ca = try CertificateAuthority.create(commonName: "garrison demo CA")
            let pki = directory.appendingPathComponent("pki")
            let hubCredential = try ca.issueCredential(
                for: CertificateIdentity(role: .hub, nodeID: "hub"), dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
            try hubCredential.write(to: pki, name: "hub")
            try Data(ca.certificatePEM.utf8).write(to: pki.appendingPathComponent("ca.pem"))
            DemoOutput.step("deployment CA created; hub certificate issued for 127.0.0.1")
            let configuration = try HubConfiguration(reader: ConfigReader(values: [
                "listen.address": "127.0.0.1:0", "ops.address": "off",
                "tls.certificate": pki.appendingPathComponent("hub.pem").path,
                "tls.key": pki.appendingPathComponent("hub.key").path, "tls.ca": pki.appendingPathComponent("ca.pem").path,
                "database.host": postgres.socketDirectory, "database.port": "\(postgres.port)",
                "database.name": "garrison_demo", "database.user": "garrison_app", "database.migrate": "true",
                "migration.user": "garrison_owner", "limits.max_wait_seconds": "30",
            ]))
            let hub = buildHub(configuration: configuration, logger: logger)
            let task = Task { try await hub.run() }
            let port: Int
            do {
                port = try await hub.boundPort(timeout: .seconds(120))
            } catch {
                task.cancel()
                _ = await task.result
                throw error
            }
            DemoOutput.step("hub migrated and serving mutual TLS on 127.0.0.1:\(port)")
            return DemoCluster(directory: directory, postgres: postgres, ca: ca, hub: hub, hubPort: port, task: task)
        } catch {
            postgres.stop()
            throw error
        }
    }

    private init(directory: URL, postgres: EmbeddedPostgres, ca: CertificateAuthority, hub: Hub, hubPort: Int, task: Task<Void, any Error>) {
        self.directory = directory
        self.postgres = postgres
        self.ca = ca
        self.hub = hub
        self.hubPort = hubPort
        self.task = task
    }

    /// Stops the hub (graceful) and the PostgreSQL cluster, whose directory goes with it.
    func stop() async {
        await hub.shutdown()
        _ = await task.result
        postgres.stop()
    }
}

/// Why the demo could not run.
public struct DemoError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
