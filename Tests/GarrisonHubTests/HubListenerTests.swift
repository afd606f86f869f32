import AsyncHTTPClient
import Foundation
import GarrisonHub
import GarrisonHubClient
import GarrisonPKI
import GarrisonTestSupport
import NIOHTTP1
import NIOSSL
import Testing

/// The hub's listeners as an attacker meets them (issue 13): TLS to the deployment's profile only, the hub's
/// certificate checked by name, `/metrics` on the TLS listener for administrators only, long-polls ending at
/// graceful shutdown.
@Suite(.serialized)
struct HubListenerTests {
    @Test("/metrics on the TLS listener: 200 for an admin certificate, 403 for a node's and for a revoked admin's; the ops listener stays open")
    func metricsForAdministratorsOnly() async throws {
        try await TestHub.with { hub in
            let admin = try hub.pki.admin()
            let text = try await hub.withClient(admin) { client in
                String(decoding: try await client.send(.GET, "/metrics").body, as: UTF8.self)
            }
            #expect(text.contains("garrison_hub_listener_connections{listener=\"tls\"}"))
            #expect(text.contains("garrison_hub_listener_refused_total"))

            let node = try await hub.withClient(try hub.pki.node("20")) { try await $0.exchange(.GET, "/metrics") }
            #expect(node.status == 403 && node.problemCode == "wrong_role" && node.contentType == "application/problem+json")
            let health = try await hub.withClient(try hub.pki.node("20")) { try await $0.exchange(.GET, "/healthz") }
            #expect(health.status == 200)

            hub.hub.gatekeeper.adopt(RevocationList(serials: [try CertificateSummary(pem: admin.certificatePEM).serial]))
            let revoked = try await hub.withClient(admin) { try await $0.exchange(.GET, "/metrics") }
            #expect(revoked.status == 403 && revoked.problemCode == "certificate_revoked")
            #expect(!String(decoding: revoked.body, as: UTF8.self).contains("garrison_hub"))

            let ops = try await hub.opsText("/metrics")
            #expect(ops.contains("garrison_hub_listener_connections"))
        }
    }

    @Test("the TLS listener refuses a CBC-SHA1 suite and speaks ECDHE with AES-GCM")
    func tlsProfile() async throws {
        try await TestHub.with { hub in
            let admin = try hub.pki.admin()
            func attempt(_ suite: NIOTLSCipher) async -> Result<Int, any Error> {
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.maximumTLSVersion = .tlsv12  // TLS 1.3 suites cannot be chosen; 1.2 is where CBC was offered
                tls.cipherSuiteValues = [suite]
                tls.certificateChain = (try? NIOSSLCertificate.fromPEMBytes(Array(admin.certificatePEM.utf8)))?.map { .certificate($0) } ?? []
                tls.privateKey = (try? NIOSSLPrivateKey(bytes: Array(admin.keyPEM.utf8), format: .pem)).map { .privateKey($0) }
                tls.trustRoots = .certificates((try? NIOSSLCertificate.fromPEMBytes(Array(hub.pki.ca.certificatePEM.utf8))) ?? [])
                var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
                configuration.connectionPool.retryConnectionEstablishment = false  // a refused handshake fails at once
                let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
                let result: Result<Int, any Error>
                do {
                    let response = try await client.execute(HTTPClientRequest(url: hub.baseURL + "/healthz"), timeout: .seconds(10))
                    result = .success(Int(response.status.code))
                } catch {
                    result = .failure(error)
                }
                try? await client.shutdown()
                return result
            }
            let cbc = await attempt(.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA)
            #expect(throws: (any Error).self) { try cbc.get() }
            let gcm = await attempt(.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
            #expect(try gcm.get() == 200)
        }
    }

    @Test("openssl s_client: AES128-SHA and ECDHE-ECDSA-AES128-SHA are refused, ECDHE-ECDSA-AES128-GCM-SHA256 is spoken")
    func opensslCipherProbe() async throws {
        try await TestHub.with { hub in
            try hub.pki.admin().write(to: hub.pki.directory, name: "probe-admin")
            func probe(_ cipher: String) async throws -> (status: Int32, output: String) {
                try await OpenSSL.run([
                    "s_client", "-connect", "127.0.0.1:\(hub.port)", "-servername", "localhost", "-tls1_2", "-cipher", cipher,
                    "-cert", hub.pki.directory.appendingPathComponent("probe-admin.pem").path,
                    "-key", hub.pki.directory.appendingPathComponent("probe-admin.key").path, "-CAfile", hub.pki.caPath,
                ])
            }
            for refused in ["AES128-SHA", "ECDHE-ECDSA-AES128-SHA"] {
                let run = try await probe(refused)
                #expect(run.status != 0, "\(refused) was accepted: \(run.output.suffix(800))")
                // The client offered it (the refusal is the hub's, not this openssl's own policy).
                #expect(!run.output.contains("no cipher match"), "\(run.output.suffix(800))")
            }
            let spoken = try await probe("ECDHE-ECDSA-AES128-GCM-SHA256")
            #expect(spoken.status == 0 && spoken.output.contains("ECDHE-ECDSA-AES128-GCM-SHA256"), "\(spoken.output.suffix(800))")
        }
    }

    @Test("the hub's certificate is checked by name: not by 127.0.0.1, by its name when connecting to an address, never a wrong name")
    func hostnameByName() async throws {
        try await TestHub.with { hub in
            let admin = try hub.pki.admin()
            func health(_ url: String, address: String?) async -> Result<Int, any Error> {
                do {
                    let client = try HubClient(
                        baseURL: url, certificatePEM: admin.certificatePEM, keyPEM: admin.keyPEM, caPEM: hub.pki.ca.certificatePEM,
                        connectAddress: address, retryConnecting: false)
                    defer { Task { try? await client.shutdown() } }
                    return .success(try await client.exchange(.GET, "/healthz").status)
                } catch {
                    return .failure(error)
                }
            }
            // The certificate names no IP address: the address alone proves nothing.
            let byAddress = await health("https://127.0.0.1:\(hub.port)", address: nil)
            #expect(throws: (any Error).self) { try byAddress.get() }
            let byName = await health("https://\(TestPKI.hubName):\(hub.port)", address: "127.0.0.1")
            #expect(try byName.get() == 200)
            let wrongName = await health("https://other.garrison.test:\(hub.port)", address: "127.0.0.1")
            #expect(throws: (any Error).self) { try wrongName.get() }
        }
    }

    @Test("a long-poll waiting at the hub ends at graceful shutdown, and the hub stops within seconds")
    func longPollEndsAtShutdown() async throws {
        let hub = try await TestHub.start()
        let client = try hub.client(try hub.pki.node("20"))
        let pull = Task { try await client.pull(cursor: 0, limit: 10, wait: 30) }
        // The pull is parked once the hub counts it.
        let parkedBy = ContinuousClock.now + .seconds(10)
        while hub.hub.parkedPulls == 0, ContinuousClock.now < parkedBy { try await Task.sleep(for: .milliseconds(20)) }
        #expect(hub.hub.parkedPulls == 1)
        let start = ContinuousClock.now
        await hub.stop()
        let stopped = ContinuousClock.now - start
        let page = try await pull.value
        try? await client.shutdown()
        print("long-poll at shutdown: hub stopped in \(stopped), the pull answered with \(page.entries.count) entries")
        #expect(stopped < .seconds(5))
        #expect(hub.hub.parkedPulls == 0)
    }
}

/// `openssl` run to its end on a Dispatch thread (never blocking the cooperative pool), stdin empty so that
/// `s_client` ends right after its handshake.
enum OpenSSL {
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    process.arguments = ["openssl"] + arguments
                    let output = Pipe()
                    process.standardOutput = output
                    process.standardError = output
                    process.standardInput = FileHandle.nullDevice
                    try process.run()
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
                })
            }
        }
    }
}
