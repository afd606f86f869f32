import GarrisonHTTP
import GarrisonPKI
import Hummingbird
import HummingbirdAuth
import NIOCore
import NIOSSL
import X509

/// The request context of the hub's listeners: it keeps the connection's channel, where the client
/// certificate is (DESIGN §6: tenant and role come from the certificate only).
struct HubRequestContext: AuthRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel
    /// The caller `CertificateAuthenticator` found; nil before it ran.
    var identity: CertifiedCaller?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
        self.identity = nil
    }

    /// The verified client certificate. The TLS handshake already refused a missing certificate or one from
    /// another CA; this answers 401 when the listener let a request through without one.
    func peerCertificate() async throws -> Certificate {
        let certificate: NIOSSLCertificate?
        do {
            certificate = try await channel.nioSSL_peerCertificate().get()
        } catch {
            throw Problem(.unauthorized, code: .noCertificate, detail: "this listener requires a client certificate")
        }
        guard let certificate else {
            throw Problem(.unauthorized, code: .noCertificate, detail: "no client certificate was presented")
        }
        do {
            return try Certificate(derEncoded: certificate.toDERBytes())
        } catch {
            throw Problem.forbidden(.unreadableCertificate, "the client certificate cannot be read")
        }
    }
}
