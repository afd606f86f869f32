import Foundation

/// `POST /v1/enroll`: the token, the node's request (PEM), and the garrison the node is configured for.
public struct EnrollmentRequest: Codable, Sendable {
    public let token: String
    public let csr: String
    /// The garrison the node believes it serves (nil: the national node); must be the token's.
    public let garrison: String?

    public init(token: String, csr: String, garrison: String?) {
        self.token = token
        self.csr = csr
        self.garrison = garrison
    }
}

/// The answer to an enrollment: the signed certificate and the CA to trust, and who the node now is.
public struct EnrollmentResponse: Codable, Hashable, Sendable {
    public let certificate: String
    public let ca: String
    public let nodeID: String
    public let role: String
    public let garrison: String?
    public let serial: String
    public let notAfter: Date

    public init(certificate: String, ca: String, nodeID: String, role: String, garrison: String?, serial: String, notAfter: Date) {
        self.certificate = certificate
        self.ca = ca
        self.nodeID = nodeID
        self.role = role
        self.garrison = garrison
        self.serial = serial
        self.notAfter = notAfter
    }

    private enum CodingKeys: String, CodingKey {
        case certificate, ca
        case nodeID = "node_id"
        case role, garrison, serial
        case notAfter = "not_after"
    }
}
