import GarrisonTestSupport
import Foundation
import GarrisonCore
import GarrisonHub
import GarrisonHubClient
import GarrisonSimulation
import Testing

/// Conflicts and quarantine, stored with both sides and their reasons, listed and resolved by an administrator.
@Suite(.serialized) struct HubAdminTests {
    @Test func aConflictKeepsBothValuesAndAnOverrideWinsEverywhere() async throws {
        try await TestHub.with { hub in
            let reports = try await HubFixtures.oneReportPerGarrison(hub)
            let report = reports["20"]!
            let created = HLC(wallMillis: HubFixtures.now, counter: 0, site: "node-20")
            // Partitioned: the node and the national node both reclassify the report, neither seeing the other.
            var nodeEdit = Change(reportID: report.reportID, garrison: "20", origin: "node-20", kind: .update)
            nodeEdit.fields[.category] = Register(value: .int(12), stamp: HLC(wallMillis: HubFixtures.now + 100, counter: 0, site: "node-20"), base: created)
            var nationalEdit = Change(reportID: report.reportID, garrison: "20", origin: "national", kind: .update)
            nationalEdit.fields[.category] = Register(value: .int(23), stamp: HLC(wallMillis: HubFixtures.now + 200, counter: 0, site: "national"), base: created)
            _ = try await hub.withClient(hub.pki.node("20")) { try await $0.push(PushRequest(changes: [QueuedChange(seq: 2, change: nodeEdit)])) }
            _ = try await hub.withClient(hub.pki.national()) { try await $0.push(PushRequest(changes: [QueuedChange(seq: 1, change: nationalEdit)])) }

            try await hub.withClient(hub.pki.admin()) { admin in
                let listed = try JSONDecoder().decode([ConflictEntry].self, from: try await admin.send(.GET, "/v1/admin/conflicts?garrison=20").body)
                try #require(listed.count == 1)
                let conflict = listed[0]
                #expect(conflict.record.field == "category")
                #expect(conflict.record.winner.value == .int(23) && conflict.record.winner.site == "national")
                #expect(conflict.record.loser.value == .int(12) && conflict.record.loser.site == "node-20")
                #expect(conflict.record.rule == .lastWriterWins)

                let resolved = try await admin.send(.POST, "/v1/admin/conflicts/\(conflict.number)/resolve", json: ["action": "override"])
                let entry = try JSONDecoder().decode(ConflictEntry.self, from: resolved.body)
                #expect(entry.resolution == "overridden")
                let again = try await admin.exchange(.POST, "/v1/admin/conflicts/\(conflict.number)/resolve", body: Data(#"{"action":"keep"}"#.utf8))
                #expect(again.status == 409 && again.problemCode == "already_resolved")
                let open = try JSONDecoder().decode([ConflictEntry].self, from: try await admin.send(.GET, "/v1/admin/conflicts").body)
                #expect(open.isEmpty)
            }
            // The override is the hub's write: it wins in the store and reaches the garrison's feed.
            #expect(try await HubFixtures.storedStates(hub)[report.reportID]?[.category] == .int(12))
            let page = try await hub.withClient(hub.pki.node("20")) { try await $0.pull(cursor: 0, limit: 100) }
            #expect(page.entries.last?.change.fields[.category]?.value == .int(12))
        }
    }

    @Test func aBadChangeIsQuarantinedWhileItsBatchAppliesAndCanBeDroppedOrRetried() async throws {
        try await TestHub.with { hub in
            var workload = GarrisonWorkload(garrison: "20", site: "node-20", seed: 5)
            let good = workload.create(nowMillis: HubFixtures.now)
            var bad = workload.create(nowMillis: HubFixtures.now + 1)
            bad.fields[.description] = Register(value: .string(String(repeating: "x", count: 501)), stamp: bad.fields[.description]!.stamp)
            let later = workload.create(nowMillis: HubFixtures.now + 2)
            // An update of a report the hub does not have yet: quarantined now, applicable after its creation.
            var early = workload.update(later.reportID, nowMillis: HubFixtures.now + 3)
            early.kind = .update
            let ack = try await hub.withClient(hub.pki.node("20")) { node in
                try await node.push(PushRequest(changes: [QueuedChange(seq: 1, change: good), QueuedChange(seq: 2, change: bad), QueuedChange(seq: 3, change: early)]))
            }
            #expect(ack.ackedThrough == 3)
            #expect(ack.rejections.map(\.seq) == [2, 3])
            #expect(ack.rejections.map(\.reason.code) == ["description_too_long", "unknown_report"])
            #expect(try await HubFixtures.count(hub, "SELECT count(*) FROM reports") == 1)

            try await hub.withClient(hub.pki.admin()) { admin in
                let listed = try JSONDecoder().decode([QuarantineEntry].self, from: try await admin.send(.GET, "/v1/admin/quarantine?garrison=20").body)
                #expect(listed.count == 2)
                let invalid = try #require(listed.first { $0.seq == 2 })
                let orphan = try #require(listed.first { $0.seq == 3 })
                #expect(invalid.nodeID == "node-20" && invalid.change == bad)

                let retried = try await admin.exchange(.POST, "/v1/admin/quarantine/\(orphan.id)/retry")
                #expect(retried.status == 409 && retried.problemCode == "still_refused")
                let dropped = try JSONDecoder().decode(QuarantineEntry.self, from: try await admin.send(.POST, "/v1/admin/quarantine/\(invalid.id)/drop").body)
                #expect(dropped.state == "dropped" && dropped.resolvedBy == "admin-test")

                // Once the creation arrives, the quarantined update applies on retry.
                _ = try await hub.withClient(hub.pki.node("20")) { try await $0.push(PushRequest(changes: [QueuedChange(seq: 4, change: later)])) }
                let applied = try JSONDecoder().decode(QuarantineEntry.self, from: try await admin.send(.POST, "/v1/admin/quarantine/\(orphan.id)/retry").body)
                #expect(applied.state == "retried")
                let open = try JSONDecoder().decode([QuarantineEntry].self, from: try await admin.send(.GET, "/v1/admin/quarantine").body)
                #expect(open.isEmpty)
            }
            var expected = MergeEngine.apply(later, to: nil, nowMillis: 0).state
            expected = MergeEngine.apply(early, to: expected, nowMillis: 0).state
            #expect(try await HubFixtures.storedStates(hub)[later.reportID] == expected)
        }
    }
}
