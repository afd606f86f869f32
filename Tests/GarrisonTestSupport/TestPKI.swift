import Foundation
import GarrisonCore
import GarrisonPKI

/// A deployment CA made in the test with swift-certificates, the hub's certificate, and client certificates on
/// demand. The hub's certificate names `localhost` and `hub.garrison.test` and no IP address: clients verify it by
/// name (connecting to `localhost`, or to 127.0.0.1 with the name kept for TLS, as `HubClient(connectAddress:)`).
public struct TestPKI: Sendable {
    public let ca: CertificateAuthority
    public let directory: URL
    public let hub: Credential

    public init() throws {
        ca = try CertificateAuthority.create(commonName: "garrison test CA")
        directory = TestCluster.scratch.appendingPathComponent("pki-\(UUID().uuidString.prefix(8))")
        hub = try ca.issueCredential(
            for: CertificateIdentity(role: .hub, nodeID: "hub"), dnsNames: ["localhost", TestPKI.hubName])
        try hub.write(to: directory, name: "hub")
        // The hub signs enrolled nodes' certificates with the CA key (enrollment.ca_key).
        try Credential(certificatePEM: ca.certificatePEM, keyPEM: ca.keyPEM).write(to: directory, name: "ca")
    }

    /// A name of the hub's certificate that resolves nowhere: reached through `connectAddress` only.
    public static let hubName = "hub.garrison.test"

    public func credential(_ role: CertificateIdentity.Role, garrison: GarrisonCode? = nil, node: String) throws -> Credential {
        try ca.issueCredential(for: CertificateIdentity(role: role, garrison: garrison, nodeID: node))
    }

    public func node(_ garrison: GarrisonCode) throws -> Credential { try credential(.node, garrison: garrison, node: "node-\(garrison.rawValue)") }
    public func national() throws -> Credential { try credential(.national, node: "national") }
    public func admin() throws -> Credential { try credential(.admin, node: "admin-test") }

    public var caPath: String { directory.appendingPathComponent("ca.pem").path }
    public var caKeyPath: String { directory.appendingPathComponent("ca.key").path }
    public var certificatePath: String { directory.appendingPathComponent("hub.pem").path }
    public var keyPath: String { directory.appendingPathComponent("hub.key").path }
}
