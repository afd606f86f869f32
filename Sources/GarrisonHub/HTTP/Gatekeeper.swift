import Foundation
import GarrisonHTTP
import GarrisonPKI
import Synchronization
import X509

/// Who may come in (DESIGN §6): the identity a request's client certificate names, unless the certificate is on
/// the revocation list. It also remembers every certificate it let in, so administrators can see how many days
/// each has left (`GET /v1/admin/certificates`, `garrison_hub_certificate_expiry_days`).
public final class Gatekeeper: Sendable {
    /// A certificate the hub has seen in a request.
    public struct Seen: Codable, Hashable, Sendable {
        public let serial: String
        public let identity: String
        public let notAfter: Date
        public let lastSeen: Date

        private enum CodingKeys: String, CodingKey {
            case serial, identity
            case notAfter = "not_after"
            case lastSeen = "last_seen"
        }
    }

    private let revoked = Mutex(RevocationList())
    private let seen = Mutex<[String: Seen]>([:])
    private let metrics: HubMetrics

    init(metrics: HubMetrics) {
        self.metrics = metrics
    }

    /// Replaces the revocation list (the reloader calls this when the file changes).
    public func adopt(_ list: RevocationList) { revoked.withLock { $0 = list } }

    /// Whether a serial is on the revocation list now.
    public func isRevoked(_ serial: String) -> Bool { revoked.withLock { $0.isRevoked(serial) } }

    /// How many serials are revoked now.
    public var revokedCount: Int { revoked.withLock { $0.serials.count } }

    /// The identity of the request's client certificate; a revoked certificate, or one naming no identity, is
    /// refused with 403 and counted.
    func identity(_ context: HubRequestContext) async throws -> CertificateIdentity {
        let certificate = try await context.peerCertificate()
        let summary = CertificateSummary(certificate)
        guard let identity = summary.identity else {
            metrics.refused(garrison: "unknown", code: .noIdentity)
            throw Problem.forbidden(.noIdentity, "the client certificate names no garrison identity")
        }
        if revoked.withLock({ $0.isRevoked(summary.serial) }) {
            metrics.refused(garrison: identity.label, code: .certificateRevoked)
            context.logger.warning("revoked certificate refused", metadata: ["serial": "\(summary.serial)", "identity": "\(identity)"])
            throw Problem.forbidden(.certificateRevoked, "certificate \(summary.serial) (\(identity)) is revoked")
        }
        let now = Date()
        seen.withLock { $0[summary.serial] = Seen(serial: summary.serial, identity: identity.uri, notAfter: summary.notAfter, lastSeen: now) }
        return identity
    }

    /// Every certificate let in since the hub started, soonest expiry first.
    public var seenCertificates: [Seen] {
        seen.withLock { Array($0.values) }.sorted { ($0.notAfter, $0.serial) < ($1.notAfter, $1.serial) }
    }
}
