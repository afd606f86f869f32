import AsyncHTTPClient
import Foundation
import GarrisonCore
import GarrisonPKI
import GarrisonTestSupport
import NIOCore
import NIOFoundationCompat
import NIOSSL
import Testing

/// The units' API over HTTPS (`api.tls.*`), as a deployment beyond one host serves it.
@Suite("Node local API over HTTPS")
struct NodeHTTPSTests {
    @Test("with api.tls set the API answers over TLS with the configured certificate, and plain HTTP gets nothing")
    func https() async throws {
        let pki = try TestPKI()
        let serverCredential = try pki.ca.issueCredential(
            for: CertificateIdentity(role: .hub, nodeID: "node-20-api"), dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        try serverCredential.write(to: pki.directory, name: "node-api")
        let node = try await TestNode.start(
            pki: pki, hubURL: "https://127.0.0.1:9",
            extra: [
                "sync.enabled": "false",
                "api.tls.certificate": pki.directory.appendingPathComponent("node-api.pem").path,
                "api.tls.key": pki.directory.appendingPathComponent("node-api.key").path,
            ])
        let port = try await node.node.boundPort(timeout: .seconds(120))
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pki.ca.certificatePEM.utf8)))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        do {
            var request = HTTPClientRequest(url: "https://127.0.0.1:\(port)/v1/reports")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(node.coordinator)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"county":"2061","category":7,"description":"Dziura w jezdni","pillar":"police_systems"}"#))
            let response = try await client.execute(request, timeout: .seconds(10))
            #expect(response.status.code == 201)
            let plain = try? await LocalAPIClient(baseURL: "http://127.0.0.1:\(port)", timeout: .seconds(3)).send(.GET, "/healthz", token: nil)
            #expect(plain?.status != 200, "the API does not also answer in clear text")
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        await node.stop()
    }
}
