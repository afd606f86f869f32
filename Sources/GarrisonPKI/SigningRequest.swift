import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate signing request (PKCS #10) for enrollment (DESIGN §7): the node makes its key and the request
/// locally, so the private key never leaves it; the hub checks the request's signature (proof that the sender
/// holds the key) and signs a certificate whose identity it chooses itself, never from the request.
public enum SigningRequest {
    /// A new P-256 key and a PEM request signed with it.
    public static func make(commonName: String) throws -> (key: P256.Signing.PrivateKey, pem: String) {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            OrganizationName("garrison")
            CommonName(commonName)
        }
        let request = try CertificateSigningRequest(
            version: .v1, subject: subject, privateKey: .init(key), attributes: .init(),
            signatureAlgorithm: .ecdsaWithSHA256)
        return (key, try request.serializeAsPEM().pemString)
    }

    /// The public key of a PEM request whose signature is valid and whose key is P-256.
    public static func verifiedPublicKey(pem: String) throws(PKIError) -> Certificate.PublicKey {
        let request: CertificateSigningRequest
        do {
            request = try CertificateSigningRequest(pemEncoded: pem)
        } catch {
            throw PKIError(code: .invalidCsr, message: "the certificate signing request is not valid PEM (\(error))")
        }
        guard P256.Signing.PublicKey(request.publicKey) != nil else {
            throw PKIError(code: .invalidCsr, message: "the request's key must be an ECDSA P-256 key")
        }
        guard request.publicKey.isValidSignature(request.signature, for: request) else {
            throw PKIError(code: .invalidCsr, message: "the request's signature does not match its key")
        }
        return request.publicKey
    }
}

/// What an administrator or the hub needs to know of a certificate: who it names, its serial and its expiry.
public struct CertificateSummary: Hashable, Sendable {
    public let identity: CertificateIdentity?
    /// Lower-case hex, no separators: the form the revocation list uses.
    public let serial: String
    public let notAfter: Date
    public let subject: String

    public init(_ certificate: Certificate) {
        self.identity = try? CertificateIdentity(certificate: certificate)
        self.serial = Self.hex(certificate.serialNumber)
        self.notAfter = certificate.notValidAfter
        self.subject = certificate.subject.description
    }

    /// The first certificate of a PEM file's text.
    public init(pem: String) throws(PKIError) {
        do {
            self.init(try Certificate(pemEncoded: pem))
        } catch {
            throw PKIError(code: .unreadableCertificate, message: "not a PEM certificate (\(error))")
        }
    }

    /// Whole days until expiry (negative once expired).
    public func daysToExpiry(now: Date = Date()) -> Int {
        Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    /// A serial number as lower-case hex.
    public static func hex(_ serial: Certificate.SerialNumber) -> String {
        serial.bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
