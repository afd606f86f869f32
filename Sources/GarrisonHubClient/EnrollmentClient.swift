import Foundation
import GarrisonCore
import GarrisonPKI
import NIOSSL

/// The node's side of enrollment (DESIGN §7): it makes its key here, sends only a CSR with the one-time token to
/// the hub's enrollment listener (TLS, the hub checked against the deployment CA; no client certificate yet), and
/// gets its certificate back. The private key never leaves this process until the caller writes it to disk.
public enum EnrollmentClient {
    /// What enrollment gives the node: its certificate, its key, the CA, and who it now is.
    public struct Enrolled: Sendable {
        public let credential: Credential
        public let caPEM: String
        public let answer: EnrollmentResponse
    }

    /// Enrolls with `token` at `url` (`https://hub:8444`) for `garrison` (nil: the national node).
    /// A refusal throws `HubClientError` with the hub's code (`invalid_token`, `token_used`, `token_expired`,
    /// `wrong_garrison`, …) and message.
    public static func enroll(
        url: String, token: String, caPEM: String, garrison: GarrisonCode?, verifyHostname: Bool = true
    ) async throws -> Enrolled {
        let (key, csr) = try SigningRequest.make(commonName: garrison.map { "node of garrison \($0)" } ?? "national node")
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        tls.certificateVerification = verifyHostname ? .fullVerification : .noHostnameVerification
        let client = HubClient(baseURL: url, tls: tls, timeout: .seconds(30), retryConnecting: false, connections: 1)
        do {
            let request = EnrollmentRequest(token: token, csr: csr, garrison: garrison?.rawValue)
            let answer = try client.decode(EnrollmentResponse.self, try await client.send(.POST, "/v1/enroll", json: request))
            try await client.shutdown()
            return Enrolled(
                credential: Credential(certificatePEM: answer.certificate, keyPEM: key.pemRepresentation), caPEM: answer.ca,
                answer: answer)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
