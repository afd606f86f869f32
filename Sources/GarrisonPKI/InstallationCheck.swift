#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GarrisonCore
import X509

/// One line of `garrison hub check` / `garrison node check`: what was checked, what was found, and for a
/// problem what to do about it.
public struct CheckFinding: Sendable, Hashable {
    public enum Level: String, Sendable, Hashable {
        case ok, warning, failure
    }

    public let level: Level
    /// What was checked: a configuration key, a file, a role.
    public let subject: String
    public let detail: String
    /// The command or edit that fixes a problem.
    public let fix: String?

    public init(_ level: Level, _ subject: String, _ detail: String, fix: String? = nil) {
        self.level = level
        self.subject = subject
        self.detail = detail
        self.fix = fix
    }

    /// The report's line, and the fix under it.
    public var rendered: String {
        let tag = switch level {
        case .ok: "ok  "
        case .warning: "WARN"
        case .failure: "FAIL"
        }
        return "\(tag)  \(subject): \(detail)" + (fix.map { "\n      fix: \($0)" } ?? "")
    }
}

/// The certificate, key and CA files a daemon is configured with, checked as the daemon will need them: readable
/// by the service user, the key by nobody else, the certificate signed by the CA, naming the expected role (and
/// garrison), matching its key, and not expiring soon.
public enum CredentialCheck {
    /// The user the shipped units run as.
    public static let serviceUser = "garrison"

    /// - Parameters:
    ///   - keys: the configuration keys of the three files, for the report (`tls.certificate`, …).
    ///   - role: the role the certificate must name; `garrison`, when given, the garrison it must name.
    public static func check(
        certificate certificatePath: String, key keyPath: String, ca caPath: String,
        keys: (certificate: String, key: String, ca: String), role: CertificateIdentity.Role, garrison: GarrisonCode? = nil,
        user: String = serviceUser, now: Date = Date()
    ) -> [CheckFinding] {
        var findings: [CheckFinding] = []
        let files = [(keys.ca, caPath, false), (keys.certificate, certificatePath, false), (keys.key, keyPath, true)]
        for (key, path, secret) in files { findings.append(FileCheck.readable(path, key: key, secret: secret, user: user)) }
        guard findings.allSatisfy({ $0.level != .failure }) else { return findings }
        do {
            let ca = try Certificate(pemEncoded: String(contentsOfFile: caPath, encoding: .utf8))
            let certificate = try Certificate(pemEncoded: String(contentsOfFile: certificatePath, encoding: .utf8))
            let privateKey = try Certificate.PrivateKey(pemEncoded: String(contentsOfFile: keyPath, encoding: .utf8))
            findings.append(contentsOf: check(certificate, key: privateKey, ca: ca, keys: keys, role: role, garrison: garrison, now: now))
        } catch {
            findings.append(CheckFinding(.failure, "\(keys.certificate)", "cannot read the PEM files: \(error)",
                fix: "each file holds one PEM block: the certificate, its private key, the deployment CA's certificate"))
        }
        return findings
    }

    static func check(
        _ certificate: Certificate, key: Certificate.PrivateKey, ca: Certificate,
        keys: (certificate: String, key: String, ca: String), role: CertificateIdentity.Role, garrison: GarrisonCode?, now: Date
    ) -> [CheckFinding] {
        var findings: [CheckFinding] = []
        let summary = CertificateSummary(certificate)
        guard ca.publicKey.isValidSignature(certificate.signature, for: certificate), certificate.issuer == ca.subject else {
            return [CheckFinding(.failure, keys.certificate, "not signed by the CA in \(keys.ca) (issuer \(certificate.issuer))",
                fix: "use the certificate the deployment CA issued (garrisonctl pki issue, or garrison node enroll)")]
        }
        guard key.publicKey == certificate.publicKey else {
            return [CheckFinding(.failure, keys.key, "is not the key of \(keys.certificate)",
                fix: "put the key made with this certificate beside it, or enroll again")]
        }
        guard let identity = summary.identity, identity.role == role, garrison == nil || identity.garrison == garrison else {
            let named = summary.identity.map(\.uri) ?? "no garrison identity"
            return [CheckFinding(.failure, keys.certificate, "names \(named), not a \(role.rawValue) certificate\(garrison.map { " of garrison \($0)" } ?? "")",
                fix: "issue or enroll a certificate for this role\(garrison.map { " and garrison \($0)" } ?? "")")]
        }
        let days = summary.daysToExpiry(now: now)
        if certificate.notValidBefore > now {
            findings.append(CheckFinding(.failure, keys.certificate, "not valid before \(certificate.notValidBefore)",
                fix: "check this machine's clock"))
        } else if days < 0 {
            findings.append(CheckFinding(.failure, keys.certificate, "expired \(-days) days ago (serial \(summary.serial))",
                fix: "issue a new certificate (or enroll the node again with a new token)"))
        } else {
            findings.append(CheckFinding(
                days < 30 ? .warning : .ok, keys.certificate,
                "\(identity.uri), serial \(summary.serial), signed by the CA, \(days) days left",
                fix: days < 30 ? "renew it before it expires" : nil))
        }
        return findings
    }
}

/// Whether the service user can read a file the daemon needs, and whether anyone else can read a secret.
public enum FileCheck {
    /// - Parameters:
    ///   - secret: a private key or a password file: it must not be readable by everyone.
    ///   - user: who must read it (the daemon's `User=`).
    public static func readable(_ path: String, key: String, secret: Bool, user serviceUser: String = CredentialCheck.serviceUser) -> CheckFinding {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return CheckFinding(.failure, key, "\(path): \(String(cString: strerror(errno)))", fix: "set \(key) to the file's path")
        }
        let mode = info.st_mode & 0o7777
        let shown = "0" + String(mode, radix: 8)
        if secret, mode & 0o007 != 0 {
            return CheckFinding(.failure, key, "\(path) is open to every user (mode \(shown))", fix: "chmod 0640 \(path) (or 0600 if the service user owns it)")
        }
        if mode & 0o022 != 0 {
            return CheckFinding(.failure, key, "\(path) is writable by others than its owner (mode \(shown))", fix: "chmod go-w \(path)")
        }
        guard let user = getpwnam(serviceUser) else {
            return CheckFinding(.ok, key, "\(path) (mode \(shown); no \(serviceUser) user on this machine to check it for)")
        }
        let uid = user.pointee.pw_uid, gid = user.pointee.pw_gid
        let canRead = (info.st_uid == uid && mode & 0o400 != 0) || (info.st_gid == gid && mode & 0o040 != 0) || mode & 0o004 != 0
        guard canRead else {
            return CheckFinding(.failure, key, "the \(serviceUser) user cannot read \(path) (owner uid \(info.st_uid), group \(info.st_gid), mode \(shown))",
                fix: "chgrp \(serviceUser) \(path) && chmod g+r \(path)")
        }
        return CheckFinding(.ok, key, "\(path) (mode \(shown)) readable by \(serviceUser)")
    }
}
