import Foundation
import GarrisonCore
import GarrisonHubClient
import GarrisonNode
import GarrisonSimulation
import GarrisonTestSupport
import Testing

/// A node against a real hub on a real PostgreSQL over real mutual TLS: offline work drains, conflicts with the
/// national role are kept, changes routed by the hub arrive, and a hub restored from an older backup is re-synced.
@Suite("Node sync with the hub", .serialized)
struct NodeSyncTests {
    @Test("offline: 1,000 reports made and worked with the hub down reach it exactly once when it is back")
    func offlineDrain() async throws {
        let pki = try TestPKI()
        let database = try await TestCluster.freshDatabase()
        let first = try await TestHub.start(pki: pki, database: database)
        let port = first.port
        await first.stop()

        let node = try await TestNode.start(pki: pki, hubURL: "https://localhost:\(port)")
        let api = node.api
        let counties = TestNode.podlaskie
        var ids: [String] = []
        var writes = 0
        for index in 0..<1_000 {
            ids.append(try await api.create(token: node.coordinator, county: counties[index % counties.count], category: [7, 3, 12, 1][index % 4]))
            writes += 1
        }
        for (index, id) in ids.enumerated() where index % 2 == 0 {
            try await api.write("/v1/reports/\(id)/card", token: node.coordinator, ["findings": "Sprawdzono"])
            writes += 1
            if index % 4 == 0 {
                try await api.write("/v1/reports/\(id)/status", token: node.coordinator, ["status": "Potwierdzone"])
                writes += 1
            }
            if index % 10 == 0 {
                try await api.write("/v1/reports/\(id)/notes", token: node.coordinator, ["text": "Notatka \(index)"], expect: 201)
                writes += 1
            }
        }
        let offline = try await api.status()
        #expect(offline["queue_depth"] as? Int == writes)
        #expect(offline["last_push_at"] == nil, "nothing reached the hub while it was down")
        #expect((offline["push_failures"] as? Int ?? 0) > 0, "each failed attempt is counted and backed off")
        #expect((offline["last_error"] as? String) != nil)
        #expect((offline["oldest_unacked_age_seconds"] as? Double ?? 0) > 0)

        let hub = try await TestHub.start(pki: pki, database: database, extra: ["listen.address": "127.0.0.1:\(port)"])
        try await node.drained()
        #expect(try await hub.count("SELECT count(*) FROM reports WHERE garrison = '20'") == 1_000)
        #expect(try await hub.count("SELECT high_water FROM nodes WHERE node_id = 'node-20'") == Int64(writes))
        #expect(try await hub.count("SELECT changes_taken FROM nodes WHERE node_id = 'node-20'") == Int64(writes), "every change taken exactly once")
        #expect(try await hub.count("SELECT count(*) FROM quarantine") == 0)
        let states = try await hub.storedStates()
        var differing = 0
        for id in ids where try node.store.report(id) != states[id] { differing += 1 }
        #expect(differing == 0, "node and hub hold the same state of every report")
        let metrics = try await api.send(.GET, "/metrics", token: nil)
        #expect(String(decoding: metrics.body, as: UTF8.self).contains("garrison_node_queue_depth{garrison=\"20\"} 0"))
        await node.stop()
        await hub.stop()
    }

    @Test("a partition: the node and the national role edit one report; both end equal, the conflict kept with both values")
    func partitionConflict() async throws {
        let pki = try TestPKI()
        let hub = try await TestHub.start(pki: pki)
        let storePath = pki.directory.appendingPathComponent("partition.sqlite").path
        var node = try await TestNode.start(pki: pki, hubURL: hub.baseURL, storePath: storePath)
        let id = try await node.api.create(token: node.coordinator, county: "2061", category: 7)
        try await node.api.write("/v1/reports/\(id)/card", token: node.coordinator, ["findings": "W trakcie"])
        try await node.drained()
        await node.stop()

        // The national role reclassifies and hides the report, on the state the hub has.
        let seen = try await hub.withClient(pki.national()) { client in
            try await client.snapshot(garrison: "20").reports.first { $0.reportID == id }
        }
        var national = ReportWriter(clock: HybridClock(site: "national"))
        let reclassify = national.set([.category: .int(3), .hidden: .bool(true)], on: try #require(seen), nowMillis: Self.now())
        let ack = try await hub.withClient(pki.national()) { client in
            try await client.push(PushRequest(changes: [QueuedChange(seq: 1, change: reclassify)]))
        }
        #expect(ack.ackedThrough == 1 && ack.rejections.isEmpty)

        // Meanwhile the node, cut off, sets another category and confirms the threat.
        try await Task.sleep(for: .milliseconds(5))
        node = try await TestNode.start(pki: pki, hubURL: hub.baseURL, storePath: storePath, extra: ["sync.enabled": "false"])
        let coordinator = try node.store.issueToken(unit: nil, role: .voivodeship, label: "partition", nowMillis: 1).token
        let card = try await node.api.send(.POST, "/v1/reports/\(id)/unit", token: coordinator, json: ["unit": "KMP-2061"])
        #expect(card.status == 200)
        _ = try node.store.commitLocal(reportID: id, author: "test", nowMillis: Self.now()) { state, writer in
            writer.set([.category: .int(12)], on: state!, nowMillis: Self.now())
        }
        try await node.api.write("/v1/reports/\(id)/status", token: coordinator, ["status": "Potwierdzone"])
        await node.stop()

        // Healed.
        node = try await TestNode.start(pki: pki, hubURL: hub.baseURL, storePath: storePath)
        try await node.drained()
        let atHub = try #require(try await hub.storedStates()[id])
        let atNode = try #require(try node.store.report(id))
        #expect(atHub == atNode)
        #expect(atNode.status?.status == .potwierdzone, "the node's confirmation stands: the national role never writes the status")
        #expect(atNode[.hidden] == .bool(true))
        #expect(atNode[.category] == .int(12), "the later write wins the category")
        let records = try await hub.withDatabase { client in
            var texts: [String] = []
            for try await text in try await client.query("SELECT record::text FROM conflicts WHERE field = 'category'").decode(String.self) {
                texts.append(text)
            }
            return texts
        }
        #expect(records.count == 1)
        let record = try JSONDecoder().decode(ConflictRecord.self, from: Data(try #require(records.first).utf8))
        #expect(Set([record.winner.value, record.loser.value]) == [.int(12), .int(3)])
        #expect(Set([record.winner.site, record.loser.site]) == ["national", "node-20"])
        let local = try node.store.conflicts(reportID: id)
        #expect(local.contains { $0.field == "category" }, "the node keeps the conflict it saw too")
        await node.stop()
        await hub.stop()
    }

    @Test("a report the national role moves to this garrison appears at the node")
    func routedReassignment() async throws {
        let pki = try TestPKI()
        let hub = try await TestHub.start(pki: pki)
        let node = try await TestNode.start(pki: pki, hubURL: hub.baseURL)
        var workload = GarrisonWorkload(garrison: "22", site: "node-22", seed: 22)
        let created = workload.create(nowMillis: Self.now())
        _ = try await hub.withClient(pki.node("22")) { client in
            try await client.push(PushRequest(changes: [QueuedChange(seq: 1, change: created)]))
        }
        let seen = try await hub.withClient(pki.national()) { client in
            try await client.snapshot(garrison: "22").reports.first { $0.reportID == created.reportID }
        }
        var national = ReportWriter(clock: HybridClock(site: "national"))
        let move = national.set([.garrison: .string("20")], on: try #require(seen), nowMillis: Self.now())
        _ = try await hub.withClient(pki.national()) { client in
            try await client.push(PushRequest(changes: [QueuedChange(seq: 1, change: move)]))
        }
        try await TestNode.eventually("the moved report is at node 20", timeout: .seconds(60)) {
            try node.store.report(created.reportID)?.garrison == "20"
        }
        let detail = try await node.api.send(.GET, "/v1/reports/\(created.reportID)", token: node.coordinator).json()
        #expect((detail["report"] as? [String: Any])?["garrison"] as? String == "20")
        #expect((detail["history"] as? [[String: Any]])?.allSatisfy { $0["source"] as? String == "hub" } == true)
        let lag = try #require(try await node.api.status()["pull_lag_ms"] as? Int, "the node measures hub-commit-to-apply lag")
        #expect(lag >= 0 && lag < 60_000)
        await node.stop()
        await hub.stop()
    }

    @Test("a hub restored from an older backup is detected and re-synced: nothing the node wrote is lost")
    func restoredHub() async throws {
        let pki = try TestPKI()
        let (cluster, name) = try await TestCluster.freshDatabase()
        var hub = try await TestHub.start(pki: pki, database: (cluster, name))
        let port = hub.port
        let node = try await TestNode.start(pki: pki, hubURL: hub.baseURL)
        var ids: [String] = []
        for index in 0..<30 { ids.append(try await node.api.create(token: node.coordinator, county: TestNode.podlaskie[index % 10])) }
        try await node.drained()
        await hub.stop()
        let backup = name + "_backup"
        try await TestCluster.copyDatabase(name, to: backup)

        hub = try await TestHub.start(pki: pki, database: (cluster, name), extra: ["listen.address": "127.0.0.1:\(port)"])
        for index in 0..<20 { ids.append(try await node.api.create(token: node.coordinator, county: TestNode.podlaskie[index % 10])) }
        try await node.api.write("/v1/reports/\(ids[0])/card", token: node.coordinator, ["findings": "po kopii"])
        try await node.drained()
        await hub.stop()

        // The hub comes back from the backup: it knows 30 of the node's changes, and an older feed.
        hub = try await TestHub.start(pki: pki, database: (cluster, backup), extra: ["listen.address": "127.0.0.1:\(port)"])
        try await TestNode.eventually("the node re-syncs") { (try await node.api.status()["resyncs"] as? Int ?? 0) >= 1 }
        try await node.drained()
        #expect(try await hub.count("SELECT count(*) FROM reports WHERE garrison = '20'") == 50)
        let states = try await hub.storedStates()
        #expect(states[ids[0]]?.status?.status == .weryfikacja, "the write made after the backup is back at the hub")
        for id in ids { #expect(try node.store.report(id) == states[id]) }
        await node.stop()
        await hub.stop()
    }

    @Test("a national write the restored hub lost is sent again though the national node has nothing new to push")
    func restoredHubAndTheNationalNodesOwnWrites() async throws {
        let pki = try TestPKI()
        let (cluster, name) = try await TestCluster.freshDatabase()
        var hub = try await TestHub.start(pki: pki, database: (cluster, name))
        let port = hub.port
        let node = try await TestNode.start(pki: pki, hubURL: hub.baseURL)
        let national = try await TestNode.start(pki: pki, hubURL: hub.baseURL, extra: ["node.role": "national"])
        var ids: [String] = []
        for index in 0..<10 { ids.append(try await node.api.create(token: node.coordinator, county: TestNode.podlaskie[index])) }
        try await node.drained()
        try await TestNode.eventually("the national node holds the reports") { try national.store.report(ids[9]) != nil }
        await hub.stop()
        let backup = name + "_backup"
        try await TestCluster.copyDatabase(name, to: backup)

        // After the backup the national HQ hides a report; the hub takes it.
        hub = try await TestHub.start(pki: pki, database: (cluster, name), extra: ["listen.address": "127.0.0.1:\(port)"])
        try await national.api.write("/v1/reports/\(ids[0])/hidden", token: national.coordinator, ["hidden": true])
        try await TestNode.eventually("the hub has the national write") { try await hub.storedStates()[ids[0]]?[.hidden] == .bool(true) }
        try await TestNode.eventually("the national node's queue is empty") { try national.store.figures().queueDepth == 0 }
        // Its lane of garrison 20 has read the hide back from the feed (position 11), past what the copy holds.
        try await TestNode.eventually("the national lane of garrison 20 read the hide back") {
            let feeds = try await national.api.status()["feeds"] as? [[String: Any]] ?? []
            return feeds.contains { $0["garrison"] as? String == "20" && ($0["cursor"] as? Int ?? 0) >= 11 }
        }
        await hub.stop()

        // The hub comes back from the backup, without the hide. The national node pushes nothing new; its lane of
        // garrison 20 finds the feed shorter than it had read, and the push lane must send the hide again. The
        // garrison's node stays down meanwhile: its own re-sent writes could lengthen the feed past what the lane
        // had read before the lane looks, which hides the regression from it (a known limit, see README).
        await node.stop()
        hub = try await TestHub.start(pki: pki, database: (cluster, backup), extra: ["listen.address": "127.0.0.1:\(port)"])
        try await TestNode.eventually("the hide is back at the hub", timeout: .seconds(60)) {
            try await hub.storedStates()[ids[0]]?[.hidden] == .bool(true)
        }
        let again = try await TestNode.start(pki: pki, hubURL: hub.baseURL, storePath: node.storePath)
        try await again.drained()
        try await TestNode.eventually("the node has the hide too") { try again.store.report(ids[0])?[.hidden] == .bool(true) }
        await national.stop()
        await again.stop()
        await hub.stop()
    }

    @Test("a node store brought back from an older backup under the same node id keeps its new writes and says why")
    func restoredNodeStore() async throws {
        let pki = try TestPKI()
        let hub = try await TestHub.start(pki: pki)
        let path = pki.directory.appendingPathComponent("restored-node.sqlite").path
        var node = try await TestNode.start(pki: pki, hubURL: hub.baseURL, storePath: path)
        for index in 0..<5 { _ = try await node.api.create(token: node.coordinator, county: TestNode.podlaskie[index]) }
        try await node.drained()
        await node.stop()
        let files = ["", "-wal", "-shm"]
        for suffix in files where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: path + suffix + ".backup")
        }
        node = try await TestNode.start(pki: pki, hubURL: hub.baseURL, storePath: path)
        for index in 0..<5 { _ = try await node.api.create(token: node.coordinator, county: TestNode.podlaskie[index]) }
        try await node.drained()
        await node.stop()
        for suffix in files {
            try? FileManager.default.removeItem(atPath: path + suffix)
            if FileManager.default.fileExists(atPath: path + suffix + ".backup") {
                try FileManager.default.moveItem(atPath: path + suffix + ".backup", toPath: path + suffix)
            }
        }

        node = try await TestNode.start(pki: pki, hubURL: hub.baseURL, storePath: path)
        let written = try await node.api.create(token: node.coordinator, county: "2061")
        try await TestNode.eventually("the node refuses to drop its write") {
            (try await node.api.status()["last_error"] as? String)?.contains("restored from an older backup") == true
        }
        #expect(try await node.api.status()["queue_depth"] as? Int == 1, "the new write stays queued")
        #expect(try await hub.storedStates()[written] == nil)
        #expect(try await hub.count("SELECT count(*) FROM reports") == 10)
        await node.stop()
        await hub.stop()
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
