import Foundation
import GarrisonConfig
import GarrisonEmbeddedPostgres
import GarrisonHub
import GarrisonHubClient
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
    /// The hub's enrollment listener (TLS without a client certificate), where new nodes bring their tokens.
    let enrollmentURL: String
    /// The citizens' public intake (pillar 3).
    let intake: UnitsAPI
    /// The demo's administrator: creates enrollment tokens and promotes garrisons through the admin API.
    let admin: HubClient
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
                for: CertificateIdentity(role: .hub, nodeID: "hub"), dnsNames: ["localhost"])
            try hubCredential.write(to: pki, name: "hub")
            // ca.pem for every party; ca.key (0600) for the hub, which signs enrolled nodes' certificates with it.
            try Credential(certificatePEM: ca.certificatePEM, keyPEM: ca.keyPEM).write(to: pki, name: "ca")
            let adminCredential = try ca.issueCredential(for: CertificateIdentity(role: .admin, nodeID: "demo-admin"))
            DemoOutput.step("deployment CA created; hub certificate issued for localhost (checked by name), admin certificate for demo-admin")
            let configuration = try HubConfiguration(config: ConfigSource(values: [
                "listen.address": "127.0.0.1:0", "ops.address": "off",
                "tls.certificate": pki.appendingPathComponent("hub.pem").path,
                "tls.key": pki.appendingPathComponent("hub.key").path, "tls.ca": pki.appendingPathComponent("ca.pem").path,
                "database.host": postgres.socketDirectory, "database.port": "\(postgres.port)",
                "database.name": "garrison_demo", "database.user": "garrison_app", "database.migrate": "true",
                "migration.user": "garrison_owner", "limits.max_wait_seconds": "30",
                "enrollment.ca_key": pki.appendingPathComponent("ca.key").path, "enrollment.address": "127.0.0.1:0",
                "rollout.seen_within_seconds": "60", "intake.address": "127.0.0.1:0",
                // A demo's devices report more than once a day, and every phone of the demo is at 127.0.0.1.
                "intake.reports_per_device_per_day": "1000", "intake.reports_per_address_per_day": "10000000",
                "intake.credentials_per_address_per_day": "10000",
            ]))
            let hub = buildHub(configuration: configuration, logger: logger)
            let task = Task { try await hub.run() }
            let port: Int
            let enrollmentPort: Int
            let intakePort: Int
            do {
                port = try await hub.boundPort(timeout: .seconds(120))
                enrollmentPort = try await hub.boundPort("enroll")
                intakePort = try await hub.boundPort("intake")
            } catch {
                await hub.shutdown()
                _ = await task.result
                throw error
            }
            DemoOutput.step("hub migrated and serving mutual TLS on 127.0.0.1:\(port), enrollment on 127.0.0.1:\(enrollmentPort), "
                + "citizens' intake on 127.0.0.1:\(intakePort)")
            let admin = try HubClient(
                baseURL: "https://localhost:\(port)", certificatePEM: adminCredential.certificatePEM,
                keyPEM: adminCredential.keyPEM, caPEM: ca.certificatePEM)
            return DemoCluster(
                directory: directory, postgres: postgres, ca: ca, hub: hub, hubPort: port,
                enrollmentURL: "https://localhost:\(enrollmentPort)", intake: UnitsAPI(baseURL: "http://127.0.0.1:\(intakePort)"),
                admin: admin, task: task)
        } catch {
            postgres.stop()
            throw error
        }
    }

    private init(
        directory: URL, postgres: EmbeddedPostgres, ca: CertificateAuthority, hub: Hub, hubPort: Int, enrollmentURL: String,
        intake: UnitsAPI, admin: HubClient, task: Task<Void, any Error>
    ) {
        self.directory = directory
        self.postgres = postgres
        self.ca = ca
        self.hub = hub
        self.hubPort = hubPort
        self.enrollmentURL = enrollmentURL
        self.intake = intake
        self.admin = admin
        self.task = task
    }

    /// Stops the hub (graceful) and the PostgreSQL cluster, whose directory goes with it.
    func stop() async {
        try? await admin.shutdown()
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
