import Foundation
import GarrisonTestSupport
import Testing

/// `garrisonctl` as an administrator runs it: the PKI on local files, and the rollout and admin commands against a
/// real hub, with the exit codes scripts rely on.
@Suite("garrisonctl", .serialized)
struct CtlCommandTests {
    @Test("pki init, issue, show and revoke on local files")
    func pki() async throws {
        let directory = TestCluster.scratch.appendingPathComponent("ctl-pki-\(UUID().uuidString.prefix(8))").path
        let initialised = try await CLI.garrisonctl(["pki", "init", "--dir", directory])
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let keyMode = try FileManager.default.attributesOfItem(atPath: "\(directory)/ca.key")[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
        let again = try await CLI.garrisonctl(["pki", "init", "--dir", directory])
        #expect(again.status == 2 && again.stderr.contains("--force"), "\(again.stderr)")

        let issued = try await CLI.garrisonctl(["pki", "issue", "--dir", directory, "--role", "admin", "--name", "anna.nowak", "--out", directory])
        #expect(issued.status == 0 && issued.stdout.contains("urn:garrison:admin:-:anna.nowak"), "\(issued.stderr)")
        let shown = try await CLI.garrisonctl(["pki", "show", "\(directory)/anna.nowak.pem", "--json"]).json()
        #expect(shown["identity"] as? String == "urn:garrison:admin:-:anna.nowak")
        #expect((363...365).contains(shown["days_to_expiry"] as? Int ?? 0))
        let hub = try await CLI.garrisonctl([
            "pki", "issue", "--dir", directory, "--role", "hub", "--name", "hub", "--dns", "hub.kmzb.local", "--ip", "10.0.0.5",
            "--out", directory,
        ])
        #expect(hub.status == 0, "\(hub.stderr)")

        let noGarrison = try await CLI.garrisonctl(["pki", "issue", "--dir", directory, "--role", "node", "--name", "n", "--out", directory])
        #expect(noGarrison.status == 64 && noGarrison.stderr.contains("--garrison"), "\(noGarrison.stderr)")
        let badName = try await CLI.garrisonctl(["pki", "issue", "--dir", directory, "--role", "admin", "--name", "a b", "--out", directory])
        #expect(badName.status == 64 && badName.stderr.contains("--name"), "\(badName.stderr)")

        let list = "\(directory)/revoked.txt"
        let revoked = try await CLI.garrisonctl(["pki", "revoke", "--list", list, "--cert", "\(directory)/anna.nowak.pem", "--reason", "left the team"])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        let serial = try #require(shown["serial"] as? String)
        let text = try String(contentsOfFile: list, encoding: .utf8)
        #expect(text.contains(String(serial.drop { $0 == "0" })) && text.contains("left the team"))
    }

    @Test("rollout, enrollment and admin commands against a real hub, with their exit codes")
    func againstHub() async throws {
        let pki = try TestPKI()
        let hub = try await TestHub.start(pki: pki, livePhases: false, extra: TestHub.enrollmentSettings(pki))
        do {
            try pki.admin().write(to: pki.directory, name: "admin")
            try pki.node("22").write(to: pki.directory, name: "node-22")
            let dir = pki.directory.path
            let connection = ["--hub", hub.baseURL, "--cert", "\(dir)/admin.pem", "--key", "\(dir)/admin.key", "--ca", pki.caPath]

            let status = try await CLI.garrisonctl(["rollout", "status", "--json"] + connection)
            #expect(status.status == 0, "\(status.stderr)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
            #expect(rows.count == 17 && rows.allSatisfy { $0["phase"] as? String == "planned" })
            let table = try await CLI.garrisonctl(["rollout", "status"] + connection)
            let lines = table.stdout.split(separator: "\n")
            #expect(table.status == 0 && lines.count == 18 && lines[0].contains("QUEUE/LAG"), "\(table.stdout)")
            #expect(lines.contains { $0.hasPrefix("20 ") && $0.contains("planned") && $0.contains("never") }, "\(table.stdout)")

            let gate = try await CLI.garrisonctl(["rollout", "promote", "20"] + connection)
            #expect(gate.status == 2 && gate.stderr.contains("gate enrolled failed"), "\(gate.stderr)")

            let token = try await CLI.garrisonctl(["enroll", "--garrison", "20", "--json"] + connection).json()
            let secret = try #require(token["token"] as? String)
            let config = pki.directory.appendingPathComponent("enrolled-20.yaml")
            try """
                node: { garrison: "20" }
                store: { path: enrolled-20.sqlite }
                hub: { url: "\(hub.baseURL)" }
                tls: { certificate: enrolled/node.pem, key: enrolled/node.key, ca: enrolled/ca.pem }
                """.write(to: config, atomically: true, encoding: .utf8)
            let enrollURL = try await hub.enrollmentURL()
            let enrolled = try await CLI.run("garrison", ["node", "enroll", "--config", config.path, "--hub", enrollURL, "--token", secret, "--ca", pki.caPath])
            #expect(enrolled.status == 0 && enrolled.stdout.contains("enrolled as n20-"), "\(enrolled.stderr)")
            let keyMode = try FileManager.default.attributesOfItem(atPath: "\(dir)/enrolled/node.key")[.posixPermissions] as? Int
            #expect(keyMode == 0o600)
            let twice = try await CLI.run("garrison", ["node", "enroll", "--config", config.path, "--hub", enrollURL, "--token", secret, "--ca", pki.caPath])
            #expect(twice.status == 2 && twice.stderr.contains("--force"), "\(twice.stderr)")
            let reused = try await CLI.run(
                "garrison", ["node", "enroll", "--config", config.path, "--hub", enrollURL, "--token", secret, "--ca", pki.caPath, "--force"])
            #expect(reused.status == 2 && reused.stderr.contains("token_used"), "\(reused.stderr)")

            let promoted = try await CLI.garrisonctl(["rollout", "promote", "20", "--reason", "pilot starts"] + connection)
            #expect(promoted.status == 0 && promoted.stdout.contains("20: planned → pilot"), "\(promoted.stderr)")
            let audit = try await CLI.garrisonctl(["rollout", "audit", "--json"] + connection)
            #expect(audit.status == 0 && audit.stdout.contains("pilot starts") && audit.stdout.contains("admin-test"))
            let suspendPlanned = try await CLI.garrisonctl(["rollout", "suspend", "08", "--reason", "x"] + connection)
            #expect(suspendPlanned.status == 2, "\(suspendPlanned.stderr)")

            let certificates = try await CLI.garrisonctl(["pki", "list", "--json"] + connection)
            #expect(certificates.status == 0 && certificates.stdout.contains("\"source\" : \"enrolled\""), "\(certificates.stdout)")
            #expect(certificates.stdout.contains("urn:garrison:node:20:n20-"))
            let overall = try await CLI.garrisonctl(["status", "--json"] + connection).json()
            #expect(overall["ready"] as? Bool == true && (overall["phases"] as? [String: Int])?["pilot"] == 1)
            #expect(try await CLI.garrisonctl(["conflicts", "show", "999"] + connection).status == 3)
            let quarantine = try await CLI.garrisonctl(["quarantine", "list", "--json"] + connection)
            #expect(quarantine.status == 0, "\(quarantine.stderr)")
            #expect((try JSONSerialization.jsonObject(with: Data(quarantine.stdout.utf8)) as? [Any])?.isEmpty == true, "\(quarantine.stdout)")

            let notAdmin = try await CLI.garrisonctl(
                ["status", "--hub", hub.baseURL, "--cert", "\(dir)/node-22.pem", "--key", "\(dir)/node-22.key", "--ca", pki.caPath])
            #expect(notAdmin.status == 77 && notAdmin.stderr.contains("wrong_role"), "\(notAdmin.stderr)")
            let unreachable = try await CLI.garrisonctl(
                ["status", "--hub", "https://127.0.0.1:9", "--cert", "\(dir)/admin.pem", "--key", "\(dir)/admin.key", "--ca", pki.caPath])
            #expect(unreachable.status == 69 && unreachable.stderr.contains("cannot reach the hub"), "\(unreachable.stderr)")
            let missing = try await CLI.garrisonctl(["status"])
            #expect(missing.status == 64 && missing.stderr.contains("--hub"), "\(missing.stderr)")
        } catch {
            await hub.stop()
            throw error
        }
        await hub.stop()
    }

    @Test("--help explains each command with an example and the exit codes")
    func help() async throws {
        for command in [["rollout", "promote"], ["enroll"], ["pki", "issue"], ["conflicts", "resolve"], ["quarantine", "retry"], ["status"]] {
            let run = try await CLI.garrisonctl(command + ["--help"])
            #expect(run.status == 0 && run.stdout.contains("xample"), "\(command): \(run.stdout)")
        }
        #expect(try await CLI.garrisonctl(["--help"]).stdout.contains("Exit codes"))
    }
}
