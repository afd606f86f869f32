import ArgumentParser
import Foundation
import GarrisonCore
import GarrisonHubClient
import GarrisonNode
import GarrisonPKI

/// `garrison node enroll`: a new node gets its certificate with a one-time token (DESIGN §7).
struct NodeEnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Enroll this node with the hub: make its key here, send a CSR with a one-time token, store the certificate.",
        discussion: """
            The key is made on this machine and never leaves it; the hub signs a certificate naming the garrison \
            of the token (which must be node.garrison of the configuration) and a new node id. The certificate, key \
            (0600) and CA are written where tls.certificate, tls.key and tls.ca of the configuration point.

            Then start the node (garrison node --config …). Once the garrison is in pilot, its first sync \
            bootstraps from the hub's snapshot of the garrison and goes on pulling from the snapshot's cursor.

            Example:
              garrison node enroll --config /etc/garrison/node.yaml --hub https://hub.kmzb.local:8444 \\
                  --token 3f9a0c21d4e8.7c… --ca /etc/garrison/pki/ca.pem

            Exit codes: 0 enrolled; 1 a file cannot be read or written; 2 the hub refused the token (used, expired, \
            another garrison's, unknown) or the node is already enrolled; 69 the hub cannot be reached; \
            78 a configuration error.
            """)

    @OptionGroup var options: NodeOptions

    @Option(help: "node or national; overrides node.role.")
    var role: String?

    @Option(help: ArgumentHelp("The hub's enrollment listener, e.g. https://hub.kmzb.local:8444.", valueName: "url"))
    var hub: String

    @Option(help: "The one-time token from `garrisonctl enroll`.")
    var token: String

    @Option(help: ArgumentHelp("The deployment CA the hub's certificate must chain to.", valueName: "path"))
    var ca: String

    @Flag(help: "Replace an existing certificate and key (a node re-enrolled after a restore gets a new node id).")
    var force = false

    @Flag(help: "Skip the check that the hub's certificate names the host in --hub.")
    var noVerifyHostname = false

    func run() async throws {
        let configuration = try options.load(role: role)
        let fileManager = FileManager.default
        if !force, fileManager.fileExists(atPath: configuration.tls.certificate) || fileManager.fileExists(atPath: configuration.tls.key) {
            fail("\(configuration.tls.certificate) or \(configuration.tls.key) exists: this node is enrolled (--force enrolls it anew with a new node id)")
            throw ExitCode(2)
        }
        guard let caPEM = try? String(contentsOfFile: ca, encoding: .utf8) else {
            fail("--ca \(ca) cannot be read")
            throw ExitCode.failure
        }
        let enrolled: EnrollmentClient.Enrolled
        do {
            enrolled = try await EnrollmentClient.enroll(
                url: hub, token: token.trimmingCharacters(in: .whitespacesAndNewlines), caPEM: caPEM,
                garrison: configuration.role == .national ? nil : configuration.garrison, verifyHostname: !noVerifyHostname)
        } catch let error as HubClientError {
            fail("the hub refused the enrollment: \(error.detail) (\(error.code))")
            throw ExitCode(error.status >= 500 ? 69 : 2)
        } catch {
            fail("cannot reach the hub's enrollment listener at \(hub): \(error)")
            throw ExitCode(69)
        }
        do {
            // The key first and private, so a certificate on disk always has its key beside it.
            try Self.write(enrolled.credential.keyPEM, to: configuration.tls.key, mode: 0o600)
            try Self.write(enrolled.credential.certificatePEM, to: configuration.tls.certificate, mode: 0o644)
            if URL(fileURLWithPath: configuration.tls.ca).standardized != URL(fileURLWithPath: ca).standardized {
                try Self.write(enrolled.caPEM, to: configuration.tls.ca, mode: 0o644)
            }
        } catch {
            fail("enrolled, but the certificate could not be stored: \(error.localizedDescription); ask for a new token")
            throw ExitCode.failure
        }
        let answer = enrolled.answer
        print("enrolled as \(answer.nodeID) (\(answer.garrison.map { "garrison \($0)" } ?? "national")), "
            + "certificate serial \(answer.serial), expires \(ISO8601DateFormatter().string(from: answer.notAfter))")
        print("certificate \(configuration.tls.certificate), key \(configuration.tls.key) (0600), CA \(configuration.tls.ca)")
    }

    private func fail(_ message: String) {
        FileHandle.standardError.write(Data("garrison node enroll: \(message)\n".utf8))
    }

    static func write(_ text: String, to path: String, mode: Int) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
        // Its mode, and the service user as owner when run with sudo: the daemon must read its own key.
        try ServiceFiles.settle(path, mode: mode_t(mode))
    }
}
