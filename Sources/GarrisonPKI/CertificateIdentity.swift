import GarrisonCore
import X509

/// Who a certificate names (DESIGN §6): role, garrison and node id, carried as one subject-alternative-name URI
/// `urn:garrison:<role>:<garrison or ->:<node id>` so that it survives any subject-name policy.
///
/// The hub takes tenant and role from here only, never from a request body or header.
public struct CertificateIdentity: Hashable, Sendable, CustomStringConvertible {
    /// What the certificate lets its holder do.
    public enum Role: String, Sendable, CaseIterable {
        /// A garrison's node: its own garrison's data only.
        case node
        /// The national node: reads every garrison, writes national-owned fields.
        case national
        /// An administrator (garrisonctl).
        case admin
        /// The hub's server certificate.
        case hub
    }

    public let role: Role
    /// The garrison of a node certificate; nil for the other roles.
    public let garrison: GarrisonCode?
    /// The node's or tool's id; also its HLC site id.
    public let nodeID: String

    /// The URI scheme prefix the identity is written under.
    public static let uriPrefix = "urn:garrison:"

    /// Builds an identity; a node needs a garrison, the other roles must not have one, and a node id is
    /// 1–64 characters of letters, digits, `-`, `_` and `.`.
    public init(role: Role, garrison: GarrisonCode? = nil, nodeID: String) throws(PKIError) {
        guard (role == .node) == (garrison != nil) else {
            throw PKIError(code: .invalidIdentity, message: "a \(role.rawValue) certificate "
                + (role == .node ? "needs a garrison" : "names no garrison"))
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard (1...64).contains(nodeID.count), nodeID.allSatisfy(allowed.contains) else {
            throw PKIError(code: .invalidIdentity, message: "node id \"\(nodeID)\" must be 1–64 of [A-Za-z0-9-_.]")
        }
        self.role = role
        self.garrison = garrison
        self.nodeID = nodeID
    }

    /// The URI written into the certificate.
    public var uri: String { "\(Self.uriPrefix)\(role.rawValue):\(garrison?.rawValue ?? "-"):\(nodeID)" }

    public var description: String { uri }

    /// Parses the URI form.
    public init(uri: String) throws(PKIError) {
        guard uri.hasPrefix(Self.uriPrefix) else {
            throw PKIError(code: .noIdentity, message: "\"\(uri)\" is not a garrison identity")
        }
        let parts = uri.dropFirst(Self.uriPrefix.count).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let role = Role(rawValue: String(parts[0])) else {
            throw PKIError(code: .noIdentity, message: "\"\(uri)\" is not role:garrison:node")
        }
        let garrison = parts[1] == "-" ? nil : GarrisonCode(rawValue: String(parts[1]))
        try self.init(role: role, garrison: garrison, nodeID: String(parts[2]))
    }

    /// The identity a certificate carries; throws when it carries none or more than one.
    public init(certificate: Certificate) throws(PKIError) {
        let names: SubjectAlternativeNames?
        do {
            names = try certificate.extensions.subjectAlternativeNames
        } catch {
            throw PKIError(code: .noIdentity, message: "the certificate's alternative names are malformed")
        }
        let uris = (names.map(Array.init) ?? []).compactMap { name -> String? in
            if case .uniformResourceIdentifier(let uri) = name, uri.hasPrefix(Self.uriPrefix) { return uri }
            return nil
        }
        guard uris.count == 1 else {
            throw PKIError(code: .noIdentity, message: "the certificate names \(uris.count) garrison identities, not 1")
        }
        try self.init(uri: uris[0])
    }

    /// The identity in a PEM certificate (a daemon reads its own certificate to learn who it is).
    public init(pem: String) throws(PKIError) {
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: pem)
        } catch {
            throw PKIError(code: .unreadableCertificate, message: "not a PEM certificate (\(error))")
        }
        try self.init(certificate: certificate)
    }

    /// The principal the merge and authority rules know, for the roles that sync.
    public var principal: Principal? {
        switch role {
        case .node: Principal(role: .node, garrison: garrison, site: SiteID(rawValue: nodeID))
        case .national: Principal(role: .national, site: SiteID(rawValue: nodeID))
        case .admin: Principal(role: .admin, site: SiteID(rawValue: nodeID))
        case .hub: nil
        }
    }
}
