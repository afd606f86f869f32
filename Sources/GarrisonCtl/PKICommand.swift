import ArgumentParser
import Foundation
import GarrisonCore
import GarrisonPKI

/// `garrisonctl pki`: the deployment's certificate authority and the certificates it signs (DESIGN §6).
struct PKICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "Make the deployment CA, issue certificates, show and revoke them.",
        discussion: """
            Keys are ECDSA P-256, made here (swift-crypto); nothing shells out to openssl. Keys are written 0600.

            A first deployment:
              garrisonctl pki init --dir /etc/garrison/pki
              garrisonctl pki issue --dir /etc/garrison/pki --role hub --name hub --dns hub.kmzb.local --out /etc/garrison/pki
              garrisonctl pki issue --dir /etc/garrison/pki --role admin --name jan.kowalski --out ~/.garrison

            Garrison nodes and the national node do not get certificates here: they enroll with a one-time token
            (garrisonctl enroll), which keeps their keys on their own machines.
            """,
        subcommands: [Init.self, Issue.self, Show.self, Revoke.self, List.self]
    )

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the deployment CA: ca.pem (give it to every party) and ca.key (keep it safe).",
            discussion: "Example: garrisonctl pki init --dir /etc/garrison/pki --days 3650")

        @Option(help: ArgumentHelp("Where ca.pem and ca.key are written.", valueName: "dir"))
        var dir: String

        @Option(help: "Validity in days.")
        var days = 3650

        @Flag(help: "Replace an existing CA (every certificate it signed stops being trusted).")
        var force = false

        func validate() throws {
            guard (1...36_500).contains(days) else { throw ValidationError("--days is 1…36500") }
        }

        func run() throws {
            let directory = URL(fileURLWithPath: dir)
            if !force, FileManager.default.fileExists(atPath: directory.appendingPathComponent("ca.key").path) {
                Output.error("\(dir)/ca.key exists; a new CA would orphan every certificate the old one signed (--force replaces it)")
                throw ExitCode(CtlExit.refused)
            }
            let authority = try CertificateAuthority.create(days: days)
            do {
                try Credential(certificatePEM: authority.certificatePEM, keyPEM: authority.keyPEM).write(to: directory, name: "ca")
            } catch {
                Output.error("cannot write the CA into \(dir): \(error.localizedDescription)")
                throw ExitCode(CtlExit.failure)
            }
            let summary = try CertificateSummary(pem: authority.certificatePEM)
            print("CA written: \(dir)/ca.pem (serial \(summary.serial), valid \(days) days), key \(dir)/ca.key (0600)")
        }
    }

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a certificate signed by the CA: the hub's server certificate, or an administrator's.",
            discussion: """
                The certificate names its principal as urn:garrison:<role>:<garrison or ->:<name> (DESIGN §6).
                Writes <out>/<name>.pem and <out>/<name>.key (0600) and prints the serial.

                Examples:
                  garrisonctl pki issue --dir pki --role hub --name hub --dns hub.kmzb.local --ip 10.0.0.5 --out pki
                  garrisonctl pki issue --dir pki --role admin --name anna.nowak --out ~/.garrison
                  garrisonctl pki issue --dir pki --role node --garrison 20 --name n20-offline --out /tmp/n20
                  (a node certificate by hand: only when a node cannot reach the enrollment listener)
                """)

        @Option(help: ArgumentHelp("The CA's directory (ca.pem, ca.key).", valueName: "dir"))
        var dir: String

        @Option(help: "hub, admin, national or node.")
        var role: String

        @Option(help: "The node id or person: 1–64 of [A-Za-z0-9-_.]; also the file name.")
        var name: String

        @Option(help: "The garrison of a node certificate (02 … 32, KSP).")
        var garrison: String?

        @Option(help: "A DNS name of the hub (repeatable).")
        var dns: [String] = []

        @Option(help: "An IPv4 address of the hub (repeatable).")
        var ip: [String] = []

        @Option(help: "Validity in days.")
        var days = 365

        @Option(help: ArgumentHelp("Where the certificate and key are written.", valueName: "dir"))
        var out: String

        func validate() throws {
            guard let role = CertificateIdentity.Role(rawValue: role) else {
                throw ValidationError("--role is hub, admin, national or node")
            }
            if let garrison, !GarrisonRegistry.standard.contains(GarrisonCode(rawValue: garrison)) {
                throw ValidationError("--garrison \(garrison) is not a garrison (02, 04, … 32, KSP)")
            }
            guard (role == .node) == (garrison != nil) else {
                throw ValidationError(role == .node ? "a node certificate needs --garrison" : "--garrison is for node certificates only")
            }
            guard (1...3650).contains(days) else { throw ValidationError("--days is 1…3650") }
            guard role == .hub || (dns.isEmpty && ip.isEmpty) else { throw ValidationError("--dns and --ip are for the hub's certificate") }
            do {
                _ = try CertificateIdentity(role: role, garrison: garrison.map(GarrisonCode.init(rawValue:)), nodeID: name)
            } catch {
                throw ValidationError("--name: \(error.message)")
            }
        }

        func run() throws {
            let authority = try CAFiles.load(dir)
            let identity = try CertificateIdentity(
                role: CertificateIdentity.Role(rawValue: role)!, garrison: garrison.map(GarrisonCode.init(rawValue:)), nodeID: name)
            let credential: Credential
            do {
                credential = try authority.issueCredential(for: identity, days: days, dnsNames: dns, ipAddresses: ip)
            } catch let error as PKIError {
                Output.error(error.message)
                throw ExitCode(CtlExit.usage)
            }
            do {
                try credential.write(to: URL(fileURLWithPath: out), name: name)
            } catch {
                Output.error("cannot write into \(out): \(error.localizedDescription)")
                throw ExitCode(CtlExit.failure)
            }
            let summary = try CertificateSummary(pem: credential.certificatePEM)
            print("issued \(identity) serial \(summary.serial) valid \(days) days: \(out)/\(name).pem, \(out)/\(name).key")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show who a certificate names, its serial and its days to expiry.",
            discussion: "Example: garrisonctl pki show /etc/garrison/pki/node.pem --json")

        @Argument(help: "A PEM certificate file.")
        var path: String

        @Flag(help: "Print JSON.")
        var json = false

        struct Shown: Encodable {
            let identity: String?
            let serial: String
            let subject: String
            let notAfter: Date
            let daysToExpiry: Int

            private enum CodingKeys: String, CodingKey {
                case identity, serial, subject
                case notAfter = "not_after"
                case daysToExpiry = "days_to_expiry"
            }
        }

        func run() throws {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                Output.error("\(path) cannot be read")
                throw ExitCode(CtlExit.failure)
            }
            let summary: CertificateSummary
            do {
                summary = try CertificateSummary(pem: text)
            } catch {
                Output.error("\(path): \(error.message)")
                throw ExitCode(CtlExit.failure)
            }
            let shown = Shown(
                identity: summary.identity?.uri, serial: summary.serial, subject: summary.subject, notAfter: summary.notAfter,
                daysToExpiry: summary.daysToExpiry())
            if json { return try Output.json(shown) }
            print("identity  \(shown.identity ?? "(none: not a garrison certificate)")")
            print("serial    \(shown.serial)")
            print("subject   \(shown.subject)")
            print("expires   \(ISO8601DateFormatter().string(from: shown.notAfter)) (\(shown.daysToExpiry) days)")
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a certificate to the revocation list the hub reloads (tls.revocation_list).",
            discussion: """
                The hub reads the list again within tls.revocation_reload_seconds of the change and refuses the
                certificate from then on (403 certificate_revoked).

                Examples:
                  garrisonctl pki revoke --list /etc/garrison/pki/revoked.txt --cert stolen-laptop.pem --reason "laptop stolen"
                  garrisonctl pki revoke --list /etc/garrison/pki/revoked.txt --serial 5f3a9c… --reason "node decommissioned"
                """)

        @Option(help: ArgumentHelp("The revocation list file (created if missing).", valueName: "path"))
        var list: String

        @Option(help: "The serial to revoke (hex, as pki show prints it).")
        var serial: String?

        @Option(help: ArgumentHelp("A certificate file whose serial to revoke.", valueName: "path"))
        var cert: String?

        @Option(help: "Why (kept in the list as a comment).")
        var reason: String

        func validate() throws {
            guard (serial == nil) != (cert == nil) else { throw ValidationError("give --serial or --cert, one of them") }
            if let serial, (try? RevocationList(text: serial)) == nil { throw ValidationError("--serial \(serial) is not hex") }
        }

        func run() throws {
            var target = serial ?? ""
            if let cert {
                guard let text = try? String(contentsOfFile: cert, encoding: .utf8), let summary = try? CertificateSummary(pem: text) else {
                    Output.error("\(cert) is not a readable PEM certificate")
                    throw ExitCode(CtlExit.failure)
                }
                target = summary.serial
            }
            if let existing = try? RevocationList(contentsOf: list), existing.isRevoked(target) {
                print("\(target) is already revoked in \(list)")
                return
            }
            do {
                try RevocationList.append(serial: target, reason: reason, to: list)
            } catch {
                Output.error("cannot write \(list): \(error.localizedDescription)")
                throw ExitCode(CtlExit.failure)
            }
            print("revoked \(target) in \(list); the hub refuses it once it reloads the list")
        }
    }
}

extension PKICommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The certificates the hub knows (its own, enrolled, seen) with their days to expiry, soonest first.",
            discussion: """
                Example: garrisonctl pki list --expiring-within 30 --json

                \(CtlExit.help)
                """)

        @OptionGroup var hub: HubOptions

        @Option(help: "Only those expiring within this many days.")
        var expiringWithin: Int?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let lines = try await hub.withClient { try await $0.certificates() }
                .filter { line in expiringWithin.map { line.daysToExpiry <= $0 } ?? true }
            if json { return try Output.json(lines) }
            Output.table(
                ["DAYS", "IDENTITY", "SOURCE", "SERIAL", "REVOKED"],
                lines.map { ["\($0.daysToExpiry)", $0.identity, $0.source, $0.serial, $0.revoked ? "yes" : "no"] })
        }
    }
}

/// The CA's files in a directory.
enum CAFiles {
    static func load(_ directory: String) throws -> CertificateAuthority {
        let certificate = "\(directory)/ca.pem"
        let key = "\(directory)/ca.key"
        guard let certificatePEM = try? String(contentsOfFile: certificate, encoding: .utf8),
            let keyPEM = try? String(contentsOfFile: key, encoding: .utf8)
        else {
            Output.error("\(certificate) and \(key) must be readable (garrisonctl pki init --dir \(directory) makes them)")
            throw ExitCode(CtlExit.failure)
        }
        do {
            return try CertificateAuthority(certificatePEM: certificatePEM, keyPEM: keyPEM)
        } catch {
            Output.error("\(directory): \(error.message)")
            throw ExitCode(CtlExit.failure)
        }
    }
}
