import Crypto
import Foundation
import GarrisonCore
import GarrisonHTTP
import GarrisonPKI
import PostgresNIO
import X509

extension HubStore {
    /// Creates a one-time token for enrolling one node of `garrison` (or the national node), valid for `ttl`.
    public func createEnrollmentToken(
        role: CertificateIdentity.Role, garrison: GarrisonCode?, ttl: Duration, by admin: Principal
    ) async throws -> EnrollmentToken {
        guard role == .node || role == .national else {
            throw Problem.badRequest(.invalidRole, "enrollment is for a garrison's node or the national node")
        }
        guard (role == .node) == (garrison != nil) else {
            throw Problem.badRequest(.invalidGarrison, role == .node ? "a node token names its garrison" : "a national token names no garrison")
        }
        if let garrison, !GarrisonRegistry.standard.contains(garrison) {
            throw Problem.notFound(.unknownGarrison, "garrison \(garrison) does not exist")
        }
        let tokenID = Self.randomHex(bytes: 6)
        let secret = Self.randomHex(bytes: 32)
        let expiresAt = Date().addingTimeInterval(Double(ttl.components.seconds))
        _ = try await transaction(as: .all) { connection in
            try await connection.query(
                """
                INSERT INTO enrollment_tokens (token_id, secret_sha256, role, garrison, created_by, expires_at)
                VALUES (\(tokenID), \(Self.sha256Hex(secret)), \(role.rawValue), \(garrison?.rawValue), \(admin.site.rawValue), \(expiresAt))
                """, logger: self.logger)
        }
        return EnrollmentToken(
            token: "\(tokenID).\(secret)", tokenID: tokenID, role: role.rawValue, garrison: garrison?.rawValue,
            expiresAt: expiresAt)
    }

    /// Every enrollment token, newest first (never the secrets).
    public func enrollmentTokens(limit: Int) async throws -> [EnrollmentTokenEntry] {
        try await transaction(as: .all) { connection in
            let rows = try await connection.query(
                """
                SELECT token_id, role, garrison, created_by, expires_at, used_at, node_id FROM enrollment_tokens
                ORDER BY created_at DESC LIMIT \(limit)
                """, logger: self.logger)
            var entries: [EnrollmentTokenEntry] = []
            for try await row in rows.decode((String, String, String?, String, Date, Date?, String?).self) {
                entries.append(.init(
                    tokenID: row.0, role: row.1, garrison: row.2, createdBy: row.3, expiresAt: row.4, usedAt: row.5, nodeID: row.6))
            }
            return entries
        }
    }

    /// Enrolls a node: checks the token (known, secret right, unused, unexpired, for the node's garrison), signs a
    /// certificate for the request's key naming a new node id, and uses the token up, all in one transaction.
    /// A refusal changes nothing.
    public func enroll(
        _ request: EnrollmentRequest, publicKey: Certificate.PublicKey, authority: CertificateAuthority, days: Int, now: Date = Date()
    ) async throws -> EnrollmentResponse {
        let parts = request.token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw Problem(.unauthorized, code: .invalidToken, detail: "the enrollment token is malformed; it looks like <id>.<secret>")
        }
        let tokenID = String(parts[0])
        let secretHash = Self.sha256Hex(String(parts[1]))
        return try await transaction(as: .all) { connection in
            let rows = try await connection.query(
                """
                SELECT secret_sha256, role, garrison, expires_at, used_at, node_id FROM enrollment_tokens
                WHERE token_id = \(tokenID) FOR UPDATE
                """, logger: self.logger)
            var found: (String, String, String?, Date, Date?, String?)?
            for try await row in rows.decode((String, String, String?, Date, Date?, String?).self) { found = row }
            guard let (storedHash, roleText, garrisonText, expiresAt, usedAt, usedBy) = found, storedHash == secretHash else {
                throw Problem(.unauthorized, code: .invalidToken, detail: "the enrollment token is not one this hub issued")
            }
            if let usedAt {
                throw Problem.forbidden(
                    .tokenUsed, "the enrollment token was used at \(ISO8601DateFormatter().string(from: usedAt)) by node \(usedBy ?? "?"); ask for a new one")
            }
            guard expiresAt > now else {
                throw Problem.forbidden(
                    .tokenExpired, "the enrollment token expired at \(ISO8601DateFormatter().string(from: expiresAt)); ask for a new one")
            }
            guard request.garrison == garrisonText else {
                throw Problem.forbidden(
                    .wrongGarrison,
                    "the token is for \(garrisonText.map { "garrison \($0)" } ?? "the national node"), "
                        + "not \(request.garrison.map { "garrison \($0)" } ?? "the national node")")
            }
            guard let role = CertificateIdentity.Role(rawValue: roleText) else {
                throw HubStoreError(description: "enrollment token \(tokenID) has an unknown role \(roleText)")
            }
            let garrison = garrisonText.map(GarrisonCode.init(rawValue:))
            let nodeID = "\(garrison.map { "n\($0.rawValue.lowercased())" } ?? "national")-\(Self.randomHex(bytes: 4))"
            let identity = try CertificateIdentity(role: role, garrison: garrison, nodeID: nodeID)
            let certificate = try authority.issue(for: identity, publicKey: publicKey, days: days, now: now)
            let summary = CertificateSummary(certificate)
            try await connection.query(
                "UPDATE enrollment_tokens SET used_at = now(), node_id = \(nodeID) WHERE token_id = \(tokenID)",
                logger: self.logger)
            try await connection.query(
                """
                INSERT INTO certificates (serial, node_id, role, garrison, not_after, token_id)
                VALUES (\(summary.serial), \(nodeID), \(roleText), \(garrisonText), \(summary.notAfter), \(tokenID))
                """, logger: self.logger)
            return EnrollmentResponse(
                certificate: try certificate.serializeAsPEM().pemString, ca: authority.certificatePEM, nodeID: nodeID,
                role: roleText, garrison: garrisonText, serial: summary.serial, notAfter: summary.notAfter)
        }
    }

    /// The certificates the hub signed at enrollment, soonest expiry first.
    public func issuedCertificates() async throws -> [IssuedCertificate] {
        try await transaction(as: .all) { connection in
            let rows = try await connection.query(
                "SELECT serial, node_id, role, garrison, not_after, issued_at FROM certificates ORDER BY not_after, serial",
                logger: self.logger)
            var result: [IssuedCertificate] = []
            for try await row in rows.decode((String, String, String, String?, Date, Date).self) {
                result.append(.init(serial: row.0, nodeID: row.1, role: row.2, garrison: row.3, notAfter: row.4, issuedAt: row.5))
            }
            return result
        }
    }

    static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }

    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
