#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GarrisonCore
import GarrisonHubClient
import GarrisonPKI

/// `garrison node check`: what a garrison's operator runs before `systemctl start garrison-node` (issue 14). The
/// configuration has already been read; this checks the credential files as the service user needs them (the
/// certificate naming this node's role and garrison), the store's place, and the whole authentication path: a
/// mutual-TLS request to the hub with this certificate, which also says the garrison's rollout phase.
public enum NodeCheck {
    /// Every finding, in the order an operator fixes them.
    public static func run(_ configuration: NodeConfiguration, user: String = CredentialCheck.serviceUser) async -> [CheckFinding] {
        let role: CertificateIdentity.Role = configuration.role == .national ? .national : .node
        var findings = CredentialCheck.check(
            certificate: configuration.tls.certificate, key: configuration.tls.key, ca: configuration.tls.ca,
            keys: (certificate: "tls.certificate", key: "tls.key", ca: "tls.ca"), role: role, garrison: configuration.garrison, user: user)
        findings.append(store(configuration.storePath, user: user))
        guard configuration.syncEnabled, !findings.contains(where: { $0.level == .failure && $0.subject.hasPrefix("tls.") }) else {
            return findings
        }
        findings.append(await hub(configuration))
        return findings
    }

    /// The store's directory must let the service user create the database and its `-wal` and `-shm` files; an
    /// existing store must be the service user's and closed to everyone else.
    static func store(_ path: String, user serviceUser: String) -> CheckFinding {
        let directory = (path as NSString).deletingLastPathComponent
        var info = stat()
        guard stat(directory, &info) == 0 else {
            return CheckFinding(.failure, "store.path", "\(directory): \(String(cString: strerror(errno)))",
                fix: "install -d -m 0750 -o garrison -g garrison \(directory) (deploy/install.sh makes /var/lib/garrison)")
        }
        if let user = getpwnam(serviceUser) {
            let writable = (info.st_uid == user.pointee.pw_uid && info.st_mode & 0o200 != 0)
                || (info.st_gid == user.pointee.pw_gid && info.st_mode & 0o020 != 0)
            guard writable else {
                return CheckFinding(.failure, "store.path", "the \(serviceUser) user cannot create files in \(directory)",
                    fix: "chown \(serviceUser):\(serviceUser) \(directory) && chmod 0750 \(directory)")
            }
            var file = stat()
            if stat(path, &file) == 0, file.st_uid != user.pointee.pw_uid {
                return CheckFinding(.failure, "store.path", "\(path) belongs to uid \(file.st_uid), not the \(serviceUser) user",
                    fix: "chown \(serviceUser):\(serviceUser) \(path)*")
            }
        }
        guard FileManager.default.fileExists(atPath: path) else {
            return CheckFinding(.ok, "store.path", "\(path) will be created at the first start")
        }
        return FileCheck.readable(path, key: "store.path", secret: true, user: serviceUser)
    }

    /// A request to the hub with this node's certificate: the TLS handshake both ways, the hub's name, the
    /// certificate not revoked, and the garrison's phase.
    static func hub(_ configuration: NodeConfiguration) async -> CheckFinding {
        let client: HubClient
        do {
            client = try HubClient(
                baseURL: configuration.hub.url, certificatePEM: String(contentsOfFile: configuration.tls.certificate, encoding: .utf8),
                keyPEM: String(contentsOfFile: configuration.tls.key, encoding: .utf8),
                caPEM: String(contentsOfFile: configuration.tls.ca, encoding: .utf8), timeout: .seconds(10),
                verifyHostname: configuration.hub.verifyHostname, connectAddress: configuration.hub.address, retryConnecting: false)
        } catch {
            return CheckFinding(.failure, "tls.certificate", "the credential cannot be loaded for TLS: \(error)")
        }
        let finding = await ask(client, configuration)
        try? await client.shutdown()
        return finding
    }

    private static func ask(_ client: HubClient, _ configuration: NodeConfiguration) async -> CheckFinding {
        do {
            let phases = try await client.garrisons()
            let own = configuration.garrison.flatMap { code in phases.first { $0.garrison == code } }
            let phase = own.map { "; garrison \($0.garrison) is \($0.phase.rawValue)" } ?? ""
            return CheckFinding(own?.phase == .planned ? .warning : .ok, "hub.url",
                "\(configuration.hub.url) accepts this certificate\(phase)",
                fix: own?.phase == .planned ? "the hub refuses sync until an administrator promotes the garrison to pilot" : nil)
        } catch let error as HubClientError {
            return CheckFinding(.failure, "hub.url", "\(configuration.hub.url) refused this certificate: \(error)",
                fix: error.code == .certificateRevoked ? "enroll again with a new token" : "check tls.* and that the hub's CA is tls.ca")
        } catch {
            return CheckFinding(.failure, "hub.url", "cannot reach \(configuration.hub.url): \(error)",
                fix: "check hub.url (and hub.address), the network path to the hub's port, and the hub's name in its certificate")
        }
    }
}
