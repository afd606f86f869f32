import GarrisonHTTP
import GarrisonPKI
import Hummingbird
import NIOCore
import NIOSSL
import X509

/// The request context of the hub's listeners: it keeps the connection's channel, where the client
/// certificate is (DESIGN §6: tenant and role come from the certificate only).
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// The verified client certificate. The TLS handshake already refused a missing certificate or one from
    /// another CA; this answers 401 when the listener let a request through without one.
    func peerCertificate() async throws -> Certificate {
        let certificate: NIOSSLCertificate?
        do {
            certificate = try await channel.nioSSL_peerCertificate().get()
        } catch {
            throw Problem(.unauthorized, code: "no_certificate", detail: "this listener requires a client certificate")
        }
        guard let certificate else {
            throw Problem(.unauthorized, code: "no_certificate", detail: "no client certificate was presented")
        }
        do {
            return try Certificate(derEncoded: certificate.toDERBytes())
        } catch {
            throw Problem.forbidden("unreadable_certificate", "the client certificate cannot be read")
        }
    }
}
