import Foundation
import GarrisonCore
import GarrisonHub
import GarrisonHubClient
import GarrisonPKI
import GarrisonTestSupport
import NIOSSL
import Testing

/// The pilot rollout (DESIGN §6–§7) against a real hub on PostgreSQL: enrollment with one-time tokens and CSRs,
/// phases behind readiness gates with an audit, suspension, revocation.
@Suite("Pilot rollout", .serialized)
struct RolloutTests {
    @Test("a full pilot: wave 1 enrolled, synced and promoted to live; then wave 2; gates refuse; suspend and resume")
    func fullPilot() async throws {
        let pki = try TestPKI()
        let hub = try await TestHub.start(
            pki: pki, livePhases: false, extra: TestHub.enrollmentSettings(pki).merging(["rollout.seen_within_seconds": "60"]) { $1 })
        let admin = try hub.client(try pki.admin())
        let rollout = Rollout(hub: hub, admin: admin)
        var nodes: [GarrisonCode: TestNode] = [:]
        do {
            // A garrison nobody enrolled cannot even be piloted, and the refusal names the gate.
            let early = try await rollout.refusedPhase("20", .promote)
            #expect(early.status == 409 && early.code == "gate_failed")
            #expect(early.detail.contains("gate enrolled failed"))

            let wave1: [GarrisonCode: String] = ["KSP": "1465", "20": "2061", "22": "2261"]
            for garrison in wave1.keys.sorted() {
                let enrolled = try await rollout.enroll(garrison)
                // The hub chose the node id and the garrison; the key was made here and never sent.
                let identity = try CertificateIdentity(pem: enrolled.credential.certificatePEM)
                #expect(identity.role == .node && identity.garrison == garrison && identity.nodeID.hasPrefix("n\(garrison.rawValue.lowercased())-"))
                #expect(try await rollout.phase(garrison, .promote).change.to == "pilot")
            }
            // Pilot: the nodes sync fully (their first sync bootstraps from the snapshot).
            for (garrison, county) in wave1 {
                let node = try await TestNode.start(pki: pki, hubURL: hub.baseURL, garrison: garrison)
                nodes[garrison] = node
                for _ in 0..<3 { _ = try await node.api.create(token: node.coordinator, county: county) }
            }
            // Live too early: the node has not reported a drained queue yet, or has not been seen; then it has.
            for garrison in wave1.keys.sorted() {
                try await nodes[garrison]!.drained()
                try await TestNode.eventually("\(garrison) reports a drained queue to the hub") {
                    try await rollout.overview(garrison).queue == 0
                }
                let promoted = try await rollout.phase(garrison, .promote, reason: "pilot clean")
                #expect(promoted.change.from == "pilot" && promoted.change.to == "live")
                #expect(promoted.gates.map(\.gate) == ["enrolled", "seen", "queue_drained", "no_quarantine", "no_set_aside"])
                #expect(promoted.gates.allSatisfy { $0.passed })
            }
            #expect(try await hub.count("SELECT count(*) FROM reports") == 9)
            // A second node enrolled for garrison 20 (a replacement machine) starts from the hub's snapshot.
            try await rollout.enroll("20")
            let replacement = try await TestNode.start(pki: pki, hubURL: hub.baseURL, garrison: "20")
            nodes["20b"] = replacement
            try await replacement.drained()
            #expect(try replacement.store.reportGarrisons().count == 3)
            let already = try await rollout.refusedPhase("20", .promote)
            #expect(already.code == "already_live")

            // Wave 2: lubuskie is enrolled and piloted; kujawsko-pomorskie's pilot has no node running yet, so its
            // promotion to live fails on the gates "seen" and "queue_drained" and says so.
            for garrison: GarrisonCode in ["08", "04"] {
                try await rollout.enroll(garrison)
                _ = try await rollout.phase(garrison, .promote)
            }
            let notSeen = try await rollout.refusedPhase("04", .promote)
            #expect(notSeen.code == "gate_failed")
            #expect(notSeen.detail.contains("gate seen failed") && notSeen.detail.contains("gate queue_drained failed"))
            #expect(try await rollout.overview("04").phase == "pilot")
            for (garrison, county): (GarrisonCode, String) in [("08", "0861"), ("04", "0461")] {
                let node = try await TestNode.start(pki: pki, hubURL: hub.baseURL, garrison: garrison)
                nodes[garrison] = node
                _ = try await node.api.create(token: node.coordinator, county: county)
                try await node.drained()
                try await TestNode.eventually("\(garrison) reports a drained queue") { try await rollout.overview(garrison).queue == 0 }
                #expect(try await rollout.phase(garrison, .promote).change.to == "live")
            }

            // Suspended: garrison 22's node is refused; its unit's write waits in the queue; resumed, it drains.
            let suspended = try await rollout.phase("22", .suspend, reason: "node disk failing")
            #expect(suspended.change.from == "live" && suspended.change.to == "suspended")
            let node22 = nodes["22"]!
            let id = try await node22.api.create(token: node22.coordinator, county: "2261")
            try await TestNode.eventually("node 22 is refused by the hub") {
                let status = try await node22.api.status()
                return (status["queue_depth"] as? Int) == 1 && ((status["last_error"] as? String) ?? "").contains("garrison_suspended")
            }
            #expect(try await hub.count("SELECT count(*) FROM reports WHERE report_id = '\(id)'") == 0)
            let resumed = try await rollout.phase("22", .resume, reason: "disk replaced")
            #expect(resumed.change.to == "live")
            try await node22.drained()
            #expect(try await hub.count("SELECT count(*) FROM reports WHERE report_id = '\(id)'") == 1)

            // Every change of phase is audited: who, from, to, why.
            let audit = try await admin.phaseAudit(garrison: "22")
            #expect(audit.map(\.to) == ["live", "suspended", "live", "pilot"])
            #expect(audit.allSatisfy { $0.actor == "admin-test" })
            #expect(audit[1].reason == "node disk failing")
            #expect(try await hub.count("SELECT count(*) FROM phase_audit") == 12)
        } catch {
            for node in nodes.values { await node.stop() }
            try? await admin.shutdown()
            await hub.stop()
            throw error
        }
        for node in nodes.values { await node.stop() }
        try await admin.shutdown()
        await hub.stop()
    }

    @Test("token misuse: reused, expired, another garrison's, forged, malformed CSR — all refused, nothing enrolled")
    func tokenMisuse() async throws {
        let pki = try TestPKI()
        let hub = try await TestHub.start(pki: pki, livePhases: false, extra: TestHub.enrollmentSettings(pki))
        let admin = try hub.client(try pki.admin())
        let rollout = Rollout(hub: hub, admin: admin)
        do {
            func refusal(_ body: () async throws -> Void) async throws -> HubClientError {
                do {
                    try await body()
                } catch let error as HubClientError {
                    return error
                }
                throw LocalAPIClient.Failure("not refused")
            }
            let token = try await rollout.token("20")
            try await rollout.enroll("20", token: token)
            #expect(try await hub.count("SELECT count(*) FROM certificates") == 1)

            let reused = try await refusal { try await rollout.enroll("20", token: token) }
            #expect(reused.status == 403 && reused.code == "token_used")

            let other = try await rollout.token("22")
            let crossed = try await refusal { try await rollout.enroll("20", token: other) }
            #expect(crossed.status == 403 && crossed.code == "wrong_garrison")
            #expect(crossed.detail.contains("garrison 22"))

            let short = try await rollout.token("14", ttlHours: 0.0003)  // about one second
            try await Task.sleep(for: .seconds(2))
            let expired = try await refusal { try await rollout.enroll("14", token: short) }
            #expect(expired.status == 403 && expired.code == "token_expired")

            let tokenID = String(other.split(separator: ".")[0])
            let forged = try await refusal { try await rollout.enroll("22", token: "\(tokenID).\(String(repeating: "ab", count: 32))") }
            #expect(forged.status == 401 && forged.code == "invalid_token")
            let unknown = try await refusal { try await rollout.enroll("22", token: "deadbeef0000.00") }
            #expect(unknown.status == 401 && unknown.code == "invalid_token")

            // A request whose signature is not the key's: refused before the token is looked at.
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pki.ca.certificatePEM.utf8)))
            let client = HubClient(baseURL: try await hub.enrollmentURL(), tls: tls)
            let garbage = try await client.exchange(
                .POST, "/v1/enroll", body: try JSONEncoder().encode(EnrollmentRequest(token: other, csr: "not a csr", garrison: "22")))
            try await client.shutdown()
            #expect(garbage.status == 400 && garbage.problemCode == "invalid_csr")

            // Only the first enrollment happened; the refused tokens are unused and can still serve their garrison.
            #expect(try await hub.count("SELECT count(*) FROM certificates") == 1)
            #expect(try await hub.count("SELECT count(*) FROM enrollment_tokens WHERE used_at IS NOT NULL") == 1)
            try await rollout.enroll("22", token: other)
            #expect(try await hub.count("SELECT count(*) FROM certificates") == 2)
        } catch {
            try? await admin.shutdown()
            await hub.stop()
            throw error
        }
        try await admin.shutdown()
        await hub.stop()
    }

    @Test("a revoked node certificate is refused once the hub reloads its revocation list; expiry is listed")
    func revocation() async throws {
        let pki = try TestPKI()
        let list = pki.directory.appendingPathComponent("revoked.txt").path
        let hub = try await TestHub.start(
            pki: pki, extra: ["tls.revocation_list": list, "tls.revocation_reload_seconds": "1"])
        let admin = try hub.client(try pki.admin())
        let credential = try pki.node("20")
        let node = try hub.client(credential)
        do {
            _ = try await node.pull(cursor: 0, limit: 10)
            let serial = try CertificateSummary(pem: credential.certificatePEM).serial

            struct Line: Decodable {
                let serial: String
                let identity: String
                let days_to_expiry: Int
                let revoked: Bool
            }
            let before = try admin.decode([Line].self, try await admin.send(.GET, "/v1/admin/certificates"))
            let line = try #require(before.first { $0.serial == serial })
            #expect(line.identity == "urn:garrison:node:20:node-20" && (363...365).contains(line.days_to_expiry) && !line.revoked)
            #expect(before.contains { $0.identity == "urn:garrison:hub:-:hub" })

            try RevocationList.append(serial: serial, reason: "laptop stolen", to: list)
            try await TestNode.eventually("the hub refuses the revoked certificate", timeout: .seconds(20)) {
                do {
                    _ = try await node.pull(cursor: 0, limit: 10)
                    return false
                } catch let error as HubClientError {
                    return error.status == 403 && error.code == "certificate_revoked"
                }
            }
            let after = try admin.decode([Line].self, try await admin.send(.GET, "/v1/admin/certificates"))
            #expect(after.first { $0.serial == serial }?.revoked == true)
            let metrics = try await hub.opsText("/metrics")
            #expect(metrics.contains("garrison_hub_certificate_expiry_days{serial=\"\(serial)\""))
            // Other certificates still get in.
            _ = try await admin.send(.GET, "/v1/admin/garrisons")
        } catch {
            try? await node.shutdown()
            try? await admin.shutdown()
            await hub.stop()
            throw error
        }
        try await node.shutdown()
        try await admin.shutdown()
        await hub.stop()
    }
}
