import Foundation
import GarrisonTestSupport
import Testing

/// `garrison node` as an operator runs it: configuration errors exit 78 naming the key; unit tokens are issued,
/// listed without their secret, and revoked from the command line.
@Suite struct NodeCommandTests {
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
        let pki = try TestPKI()
        try pki.node("20").write(to: pki.directory, name: "node-20")
        let config = pki.directory.appendingPathComponent("node.yaml")
        try """
            node: { garrison: "20" }
            store: { path: node-cli.sqlite }
            hub: { url: "https://127.0.0.1:9" }
            tls: { certificate: node-20.pem, key: node-20.key, ca: ca.pem }
            """.write(to: config, atomically: true, encoding: .utf8)
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
}
