import Crypto
import Foundation
import SwiftASN1
import X509

/// The deployment's own certificate authority (DESIGN §6): it signs the hub's server certificate and the
/// certificates of nodes and administrators. Keys are P-256; nothing shells out to openssl.
public struct CertificateAuthority: Sendable {
    /// The CA's own (self-signed) certificate, the trust root every party loads.
    public let certificate: Certificate
    private let key: P256.Signing.PrivateKey

    /// A new CA valid for `days` days.
    public static func create(commonName: String = "garrison deployment CA", days: Int = 3650, now: Date = Date())
        throws -> CertificateAuthority
    {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("garrison")
            CommonName(commonName)
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(days) * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: .init(key))
        return CertificateAuthority(certificate: certificate, key: key)
    }

    /// The CA loaded from its PEM certificate and PEM private key.
    public init(certificatePEM: String, keyPEM: String) throws(PKIError) {
        do {
            self.certificate = try Certificate(pemEncoded: certificatePEM)
            self.key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
        } catch {
            throw PKIError(code: .unreadablePem, message: "the CA certificate or key is not valid PEM: \(error)")
        }
        guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
            throw PKIError(code: .keyMismatch, message: "the CA key does not belong to the CA certificate")
        }
    }

    private init(certificate: Certificate, key: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.key = key
    }

    /// The CA certificate as PEM.
    public var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }
    /// The CA private key as PEM (keep it offline).
    public var keyPEM: String { key.pemRepresentation }

    /// Signs a certificate for `identity` over `publicKey`. A hub certificate is a TLS server certificate for
    /// `dnsNames` and `ipAddresses`; every other role gets a client certificate.
    public func issue(
        for identity: CertificateIdentity, publicKey: Certificate.PublicKey, days: Int = 365,
        dnsNames: [String] = [], ipAddresses: [String] = [], now: Date = Date()
    ) throws -> Certificate {
        let subject = try DistinguishedName {
            OrganizationName("garrison")
            OrganizationalUnitName(identity.role.rawValue)
            CommonName(identity.garrison.map { "\($0.rawValue)/\(identity.nodeID)" } ?? identity.nodeID)
        }
        var names: [GeneralName] = [.uniformResourceIdentifier(identity.uri)]
        names += dnsNames.map { .dnsName($0) }
        names += try ipAddresses.map { .ipAddress(ASN1OctetString(contentBytes: try Self.addressBytes($0)[...])) }
        let usage: [ExtendedKeyUsage.Usage] = identity.role == .hub ? [.serverAuth] : [.clientAuth]
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: false))
            try ExtendedKeyUsage(usage)
            SubjectAlternativeNames(names)
            SubjectKeyIdentifier(hash: publicKey)
            AuthorityKeyIdentifier(keyIdentifier: try certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
        }
        return try Certificate(
            version: .v3, serialNumber: .init(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(days) * 86_400),
            issuer: certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions, issuerPrivateKey: .init(key))
    }

    /// A new key and a certificate for it, in one step (tests, the demo, `garrisonctl pki issue`).
    public func issueCredential(
        for identity: CertificateIdentity, days: Int = 365, dnsNames: [String] = [], ipAddresses: [String] = [],
        now: Date = Date()
    ) throws -> Credential {
        let key = P256.Signing.PrivateKey()
        let certificate = try issue(
            for: identity, publicKey: .init(key.publicKey), days: days, dnsNames: dnsNames,
            ipAddresses: ipAddresses, now: now)
        return Credential(certificatePEM: try certificate.serializeAsPEM().pemString, keyPEM: key.pemRepresentation)
    }

    private static func addressBytes(_ address: String) throws(PKIError) -> [UInt8] {
        let parts = address.split(separator: ".").compactMap { UInt8($0) }
        guard parts.count == 4 else {
            throw PKIError(code: .invalidAddress, message: "\"\(address)\" is not an IPv4 address")
        }
        return parts
    }
}

/// A certificate and its private key, both PEM.
public struct Credential: Hashable, Sendable {
    public let certificatePEM: String
    public let keyPEM: String

    public init(certificatePEM: String, keyPEM: String) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
    }

    /// Writes `<name>.pem` and `<name>.key` (mode 0600) into `directory`.
    public func write(to directory: URL, name: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certURL = directory.appendingPathComponent("\(name).pem")
        let keyURL = directory.appendingPathComponent("\(name).key")
        try Data(certificatePEM.utf8).write(to: certURL, options: .atomic)
        try Data(keyPEM.utf8).write(to: keyURL, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyURL.path)
    }
}
