import GarrisonTestSupport
import Foundation
import GarrisonCore
import GarrisonHub
import GarrisonHubClient
import GarrisonPKI
import GarrisonSimulation
import NIOHTTP1
import NIOSSL
import Testing

/// Identity from the certificate, tenancy, roles and phases, through the real TLS listener.
@Suite(.serialized) struct HubTenancyTests {
    /// Every garrison's certificate against every other garrison's data on every sync endpoint, and against
    /// every admin endpoint: nothing succeeds, nothing of the other garrison changes or leaks.
    @Test func noGarrisonReachesAnotherGarrisonsData() async throws {
        try await TestHub.with { hub in
            let reports = try await HubFixtures.oneReportPerGarrison(hub)
            let before = try await HubFixtures.storedStates(hub)
            let garrisons = GarrisonRegistry.standard.garrisons.map(\.code)
            var attempts = 0
            var succeeded: [String] = []
            for attacker in garrisons { try await hub.withClient(hub.pki.node(attacker)) { client in
                var seq: Int64 = 1
                for victim in garrisons where victim != attacker {
                    let victimReport = reports[victim]!
                    var update = Change(reportID: victimReport.reportID, garrison: victim, origin: SiteID(rawValue: "node-\(attacker.rawValue)"), kind: .update)
                    update.fields[.unit] = Register(value: .string("KPP-9999"), stamp: HLC(wallMillis: HubFixtures.now + 10, counter: 0, site: update.origin))
                    // Refused whole (403), so it takes no sequence number.
                    let foreign = try JSONEncoder().encode(PushRequest(changes: [QueuedChange(seq: seq + 1, change: update)]))
                    var disguised = update
                    disguised.garrison = attacker
                    seq += 1
                    let relabelled = try JSONEncoder().encode(PushRequest(changes: [QueuedChange(seq: seq, change: disguised)]))
                    let probes: [(String, HTTPMethod, String, Data?)] = [
                        ("push foreign", .POST, "/v1/sync/push", foreign),
                        ("pull", .GET, "/v1/sync/pull?garrison=\(victim.rawValue)", nil),
                        ("snapshot", .GET, "/v1/sync/snapshot?garrison=\(victim.rawValue)", nil),
                    ]
                    for (name, method, path, body) in probes {
                        attempts += 1
                        let response = try await client.exchange(method, path, body: body)
                        if response.status != 403 || response.problemCode != "cross_tenant" {
                            succeeded.append("\(attacker)→\(victim) \(name): \(response.status) \(response.problemCode ?? "")")
                        }
                    }
                    // The victim's report id under the attacker's own garrison: the hub cannot see it for this
                    // tenant, so the change is rejected and the report untouched.
                    attempts += 1
                    let response = try await client.exchange(.POST, "/v1/sync/push", body: relabelled)
                    let ack = try? JSONDecoder().decode(PushAck.self, from: response.body)
                    if response.status != 200 || ack?.rejections.map(\.reason.code) != ["unknown_report"] {
                        succeeded.append("\(attacker)→\(victim) relabelled push: \(response.status)")
                    }
                }
                for (method, path) in Self.adminEndpoints {
                    attempts += 1
                    let response = try await client.exchange(method, path, body: Data("{\"action\":\"keep\"}".utf8))
                    if response.status != 403 { succeeded.append("\(attacker) admin \(path): \(response.status)") }
                }
                // The attacker's own feed and snapshot hold only its own report.
                let page = try await client.pull(cursor: 0, limit: 1_000)
                let ownIDs = Set(page.entries.map(\.change.reportID))
                #expect(ownIDs == [reports[attacker]!.reportID])
                let snapshot = try await client.snapshot(limit: 1_000)
                #expect(snapshot.reports.map(\.reportID) == [reports[attacker]!.reportID])
            } }
            #expect(attempts == 17 * 16 * 4 + 17 * Self.adminEndpoints.count)
            #expect(succeeded.isEmpty, "cross-tenant attempts that were not refused: \(succeeded.prefix(10))")
            #expect(try await HubFixtures.storedStates(hub) == before)
            let refusals = try await hub.opsText("/metrics")
            #expect(refusals.contains(#"garrison_hub_refusals_total{garrison="20",code="cross_tenant"} 48"#))
        }
    }

    static let adminEndpoints: [(HTTPMethod, String)] = [
        (.GET, "/v1/admin/garrisons"), (.GET, "/v1/admin/conflicts"), (.GET, "/v1/admin/conflicts/1"),
        (.POST, "/v1/admin/conflicts/1/resolve"), (.GET, "/v1/admin/quarantine"),
        (.POST, "/v1/admin/quarantine/1/retry"), (.POST, "/v1/admin/quarantine/1/drop"),
    ]

    @Test func aForeignCertificateOrNoneIsRefusedAtTheHandshake() async throws {
        try await TestHub.with { hub in
            let stranger = try CertificateAuthority.create(commonName: "not the deployment CA")
            let forged = try stranger.issueCredential(for: CertificateIdentity(role: .node, garrison: "20", nodeID: "node-20"))
            let foreign = try HubClient(
                baseURL: hub.baseURL, certificatePEM: forged.certificatePEM, keyPEM: forged.keyPEM, caPEM: hub.pki.ca.certificatePEM)
            await #expect(throws: (any Error).self) { _ = try await foreign.exchange(.GET, "/healthz") }
            try? await foreign.shutdown()

            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(hub.pki.ca.certificatePEM.utf8)))
            let anonymous = HubClient(baseURL: hub.baseURL, tls: tls)
            await #expect(throws: (any Error).self) { _ = try await anonymous.exchange(.GET, "/healthz") }
            try? await anonymous.shutdown()

            // The same request with the deployment's certificate gets through.
            let status = try await hub.withClient(hub.pki.node("20")) { node in try await node.exchange(.GET, "/healthz").status }
            #expect(status == 200)
        }
    }

    @Test func aPlannedOrSuspendedGarrisonIsRefusedNamingItsPhase() async throws {
        try await TestHub.with(livePhases: false) { hub in try await hub.withClient(hub.pki.node("20")) { node in
            var workload = GarrisonWorkload(garrison: "20", site: "node-20", seed: 3)
            let batch = PushRequest(changes: [QueuedChange(seq: 1, change: workload.create(nowMillis: HubFixtures.now))])
            let planned = try await node.exchange(.POST, "/v1/sync/push", body: JSONEncoder().encode(batch))
            #expect(planned.status == 403)
            #expect(planned.problemCode == "garrison_planned")
            #expect(String(decoding: planned.body, as: UTF8.self).contains("phase planned"))
            #expect(try await node.exchange(.GET, "/v1/sync/pull").problemCode == "garrison_planned")

            try hub.sql("UPDATE garrisons SET phase = 'pilot' WHERE code = '20'")
            #expect(try await node.push(batch).ackedThrough == 1)

            try hub.sql("UPDATE garrisons SET phase = 'suspended' WHERE code = '20'")
            let suspended = try await node.exchange(.GET, "/v1/sync/pull")
            #expect(suspended.status == 403)
            #expect(suspended.problemCode == "garrison_suspended")

            try hub.sql("UPDATE garrisons SET phase = 'live' WHERE code = '20'")
            #expect(try await node.pull(cursor: 0, limit: 10).entries.count == 1)
        } }
    }

    @Test func theNationalRoleReadsEveryGarrisonAndWritesOnlyItsOwnFields() async throws {
        try await TestHub.with { hub in
            let reports = try await HubFixtures.oneReportPerGarrison(hub)
            try await hub.withClient(hub.pki.national()) { national in
            for (garrison, report) in reports {
                let page = try await national.pull(cursor: 0, limit: 10, garrison: garrison)
                #expect(page.entries.map(\.change.reportID) == [report.reportID])
            }
            let missing = try await national.exchange(.GET, "/v1/sync/pull")
            #expect(missing.status == 400 && missing.problemCode == "missing_parameter")
            let unknown = try await national.exchange(.GET, "/v1/sync/pull?garrison=99")
            #expect(unknown.status == 404 && unknown.problemCode == "unknown_garrison")

            let target = reports["20"]!
            let stamp = HLC(wallMillis: HubFixtures.now + 50, counter: 0, site: "national")
            var hide = Change(reportID: target.reportID, garrison: "20", origin: "national", kind: .update)
            hide.fields[.hidden] = Register(value: .bool(true), stamp: stamp)
            var close = Change(reportID: target.reportID, garrison: "20", origin: "national", kind: .update)
            close.status = StatusRegister(status: .weryfikacja, epoch: 0, stamp: stamp, base: target.status?.stamp)
            let ack = try await national.push(PushRequest(changes: [QueuedChange(seq: 1, change: hide), QueuedChange(seq: 2, change: close)]))
            #expect(ack.ackedThrough == 2)
            #expect(ack.rejections.map(\.seq) == [2])
            #expect(ack.rejections.first?.reason.code == "unauthorized_field")
            let stored = try await HubFixtures.storedStates(hub)[target.reportID]
            #expect(stored?[.hidden] == .bool(true))
            #expect(stored?.status?.status == .nowe)
            }
        }
    }

    @Test func badRequestsGetProblemJSONWithAStableCode() async throws {
        try await TestHub.with { hub in try await hub.withClient(hub.pki.node("20")) { node in
            let malformed = try await node.exchange(.POST, "/v1/sync/push", body: Data("{\"changes\": [".utf8))
            #expect(malformed.status == 400)
            #expect(malformed.problemCode == "malformed_json")
            #expect(malformed.contentType == "application/problem+json")
            let wrongShape = try await node.exchange(.POST, "/v1/sync/push", body: Data(#"{"changes": [{"seq": "x"}], "rebase": false}"#.utf8))
            #expect(wrongShape.status == 400 && wrongShape.problemCode == "malformed_json")
            let huge = Data(count: 17 << 20)
            #expect(try await node.exchange(.POST, "/v1/sync/push", body: huge).status == 413)
            var workload = GarrisonWorkload(garrison: "20", site: "node-20", seed: 4)
            let tooMany = PushRequest(changes: (1...5_001).map { QueuedChange(seq: Int64($0), change: workload.create(nowMillis: HubFixtures.now)) })
            let batch = try await node.exchange(.POST, "/v1/sync/push", body: JSONEncoder().encode(tooMany))
            #expect(batch.status == 413 && batch.problemCode == "too_large")
            let badCursor = try await node.exchange(.GET, "/v1/sync/pull?cursor=-1")
            #expect(badCursor.status == 400 && badCursor.problemCode == "invalid_parameter")
            let nowhere = try await node.exchange(.GET, "/v1/nowhere")
            #expect(nowhere.status == 404 && nowhere.problemCode == "not_found")
            let code = try await hub.withClient(hub.pki.admin()) { admin in
                try await admin.exchange(.POST, "/v1/sync/push", body: Data("{}".utf8)).problemCode
            }
            #expect(code == "wrong_role")
            // Nothing of that reached the store.
            #expect(try await HubFixtures.count(hub, "SELECT count(*) FROM reports") == 0)
        } }
    }
}
