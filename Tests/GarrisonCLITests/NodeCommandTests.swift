import Foundation
import GarrisonTestSupport
import Testing

/// `garrison node` as an operator runs it: configuration errors exit 78 naming the key; unit tokens are issued,
/// listed without their secret, and revoked from the command line.
@Suite struct NodeCommandTests {
    /// Garrison 20's node credential and a configuration naming it, its store `store`.sqlite, and a hub on port 9
    /// that never answers, all in a fresh test PKI directory.
    static func nodeConfiguration(store: String) throws -> (TestPKI, URL) {
        let pki = try TestPKI()
        try pki.node("20").write(to: pki.directory, name: "node-20")
        let config = pki.directory.appendingPathComponent("node.yaml")
        try """
            node: { garrison: "20" }
            store: { path: \(store).sqlite }
            hub: { url: "https://127.0.0.1:9" }
            tls: { certificate: node-20.pem, key: node-20.key, ca: ca.pem }
            """.write(to: config, atomically: true, encoding: .utf8)
        return (pki, config)
    }

    @Test("an invalid key is named, exit 78")
    func invalidKey() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("node-\(UUID().uuidString).yaml")
        try Data("node:\n  garrison: \"21\"\nhub:\n  url: https://hub:8443\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try await CLI.run("garrison", ["node", "--config", file.path])
        #expect(run.status == 78)
        #expect(run.stderr.contains("node.garrison") && run.stderr.contains("\"21\""), "\(run.stderr)")
        let plain = try await CLI.run("garrison", ["node", "--config", file.path], environment: ["GARRISON_NODE_GARRISON": "20", "GARRISON_HUB_URL": "http://hub"])
        #expect(plain.status == 78 && plain.stderr.contains("hub.url") && plain.stderr.contains("GARRISON_HUB_URL"), "\(plain.stderr)")
        let role = try await CLI.run("garrison", ["node", "--role", "regional", "--config", file.path])
        #expect(role.status == 78 && role.stderr.contains("node.role"), "\(role.stderr)")
    }

    @Test("token issue prints the token once; list shows no secret; revoke refuses an unknown id with exit 3")
    func tokens() async throws {
        let (_, config) = try Self.nodeConfiguration(store: "node-cli")
        let issued = try await CLI.run("garrison", ["node", "token", "issue", "--config", config.path, "--unit", "KMP-2061", "--label", "dyżurny"])
        #expect(issued.status == 0, "\(issued.stderr)")
        let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("gut_") && token.count > 40)
        let wrong = try await CLI.run("garrison", ["node", "token", "issue", "--config", config.path, "--unit", "KPP-1418", "--label", "x"])
        #expect(wrong.status == 2 && wrong.stderr.contains("KPP-1418"), "\(wrong.stderr)")
        let listed = try await CLI.run("garrison", ["node", "token", "list", "--config", config.path, "--json"])
        #expect(listed.status == 0)
        #expect(listed.stdout.contains("KMP-2061") && !listed.stdout.contains(token.suffix(20)))
        let id = String(token.split(separator: "_")[1])
        #expect(try await CLI.run("garrison", ["node", "token", "revoke", "--config", config.path, id]).status == 0)
        #expect(try await CLI.run("garrison", ["node", "token", "revoke", "--config", config.path, id]).status == 3)
    }

    @Test("node check: the node's credential passes; a store as root's and a hub that does not answer are named with their fix")
    func check() async throws {
        let (pki, config) = try Self.nodeConfiguration(store: "node-check")
        // As its own user (the test's) the files pass; the hub on port 9 does not answer.
        let user = ProcessInfo.processInfo.environment["USER"] ?? "root"
        let run = try await CLI.run("garrison", ["node", "check", "--config", config.path, "--service-user", user])
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.stdout.contains("urn:garrison:node:20:node-20") && run.stdout.contains("signed by the CA"), "\(run.stdout)")
        #expect(run.stdout.contains("FAIL  hub.url: cannot reach https://127.0.0.1:9") && run.stdout.contains("fix:"), "\(run.stdout)")
        #expect(run.stdout.contains("1 problem to fix before starting"), "\(run.stdout)")
        // A national certificate where a garrison's node is configured is refused by name.
        try pki.national().write(to: pki.directory, name: "node-20")
        let wrong = try await CLI.run("garrison", ["node", "check", "--config", config.path, "--service-user", user])
        #expect(wrong.status == 1 && wrong.stdout.contains("not a node certificate of garrison 20"), "\(wrong.stdout)")
    }

    @Test("queue: a missing store is named (exit 1), an empty one lists as JSON, an unknown seq exits 3")
    func queue() async throws {
        let (pki, config) = try Self.nodeConfiguration(store: "node-queue")
        let missing = try await CLI.run("garrison", ["node", "queue", "list", "--config", config.path])
        #expect(missing.status == 1 && missing.stderr.contains("node-queue.sqlite"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: pki.directory.appendingPathComponent("node-queue.sqlite").path), "never made here")
        // A token issued makes the store, as the daemon's first start would.
        #expect(try await CLI.run("garrison", ["node", "token", "issue", "--config", config.path, "--unit", "KMP-2061", "--label", "x"]).status == 0)
        let listed = try await CLI.run("garrison", ["node", "queue", "list", "--config", config.path, "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let json = try listed.json()
        #expect(json["depth"] as? Int == 0 && (json["set_aside"] as? [Any])?.isEmpty == true && (json["head"] as? [Any])?.isEmpty == true)
        let table = try await CLI.run("garrison", ["node", "queue", "list", "--config", config.path])
        #expect(table.status == 0 && table.stdout.contains("queue: 0 change(s)") && table.stdout.contains("set aside: 0"), "\(table.stdout)")
        for command in ["show", "retry", "drop"] {
            let run = try await CLI.run("garrison", ["node", "queue", command, "42", "--config", config.path, "--yes"].filter { command == "drop" || $0 != "--yes" })
            #expect(run.status == 3 && run.stderr.contains("42"), "\(command): \(run.status) \(run.stderr)")
        }
        let bad = try await CLI.run("garrison", ["node", "queue", "show", "x", "--config", config.path])
        #expect(bad.status == 64)
    }
}
