import Foundation
import GRDB
import GarrisonCore
import GarrisonHubClient
import GarrisonNode
import GarrisonTestSupport
import Testing

/// Issue 13: a change the hub refuses as a whole batch, again and again, must not hold the node's queue back
/// forever. Against a real hub: it is set aside with the hub's reason, the writes behind it reach the hub, status,
/// the hub and the rollout gate show it, and the operator's `garrison node queue` (the real executable, beside
/// the running node) retries or drops it.
@Suite("A node's set-aside changes", .serialized)
struct NodeQueueTests {
    @Test("a change the hub cannot read is set aside, the rest drains, and retry/drop work beside the daemon")
    func setAsideAndOperatorWayOut() async throws {
        let pki = try TestPKI()
        let hub = try await TestHub.start(pki: pki)
        let path = pki.directory.appendingPathComponent("queue-node.sqlite").path
        // Offline first, so the bad change waits in the queue between good ones.
        var node = try await TestNode.start(pki: pki, hubURL: hub.baseURL, storePath: path, extra: ["sync.enabled": "false"])
        var ids = [try await node.api.create(token: node.coordinator, county: "2061")]
        // A change stored as text no JSON parser reads: the hub refuses any batch that carries it (400
        // malformed_json), whatever it does per change. Written into the queue as a second process would.
        let bad = try Self.queueRaw(#"{"report_id":"0190c0de-0000-7000-8000-00000000bad1","garrison":"20","#, at: path)
        #expect(bad == 2)
        for index in 0..<5 { ids.append(try await node.api.create(token: node.coordinator, county: TestNode.podlaskie[index])) }
        await node.stop()

        node = try await TestNode.start(pki: pki, hubURL: hub.baseURL, storePath: path, extra: ["sync.set_aside_after": "3"])
        try await TestNode.eventually("the bad change is set aside and the rest drains", timeout: .seconds(120)) {
            let status = try await node.api.status()
            return status["set_aside"] as? Int == 1 && status["queue_depth"] as? Int == 0
        }
        let status = try await node.api.status()
        let aside = try #require((status["set_aside_changes"] as? [[String: Any]])?.first)
        #expect(aside["seq"] as? Int == 2)
        #expect(aside["code"] as? String == "malformed_json")
        #expect(aside["status"] as? Int == 400)
        #expect(aside["attempts"] as? Int == 3)
        #expect(aside["report_id"] as? String == "0190c0de-0000-7000-8000-00000000bad1")
        #expect((aside["detail"] as? String)?.isEmpty == false)
        #expect(status["clock_ahead"] as? Bool == false)
        for id in ids { #expect(try await hub.storedStates()[id] != nil, "every good write reached the hub") }
        #expect(try await hub.count("SELECT high_water FROM nodes WHERE node_id = 'node-20'") == 7, "the hub took 1 and 3…7 (rebased past 2)")
        let metrics = String(decoding: try await node.api.send(.GET, "/metrics", token: nil).body, as: UTF8.self)
        #expect(metrics.contains("garrison_node_set_aside{garrison=\"20\"} 1"), "\(metrics)")
        #expect(metrics.contains("garrison_node_clock_ahead{garrison=\"20\"} 0"))

        // The hub learns it on the node's pulls: rollout status shows it and the live gate waits for it.
        try await TestNode.eventually("the hub knows of the set-aside change") {
            try await hub.count("SELECT COALESCE(set_aside, -1) FROM nodes WHERE node_id = 'node-20'") == 1
        }
        let overview = try await hub.withClient(pki.admin()) { try await $0.overview() }
        let podlaskie = try #require(overview.first { $0.garrison == "20" })
        #expect(podlaskie.setAside == 1 && podlaskie.setAsideCode == "malformed_json")
        try hub.sql("UPDATE garrisons SET phase = 'pilot' WHERE code = '20'")
        let refused = try await Self.promote(hub, pki)
        #expect(refused?.code == "gate_failed" && refused?.detail.contains("gate no_set_aside failed") == true, "\(String(describing: refused))")

        // The operator's way out, run as its own process while the daemon holds the store.
        let config = try Self.config(pki: pki, store: path)
        let listed = try await QueueCLI.run(["node", "queue", "list", "--config", config, "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let listing = try JSONDecoder().decode(QueueListing.self, from: Data(listed.stdout.utf8))
        #expect(listing.depth == 0 && listing.setAside.map(\.seq) == [2])
        let table = try await QueueCLI.run(["node", "queue", "list", "--config", config])
        #expect(table.status == 0 && table.stdout.contains("set aside: 1") && table.stdout.contains("malformed_json"), "\(table.stdout)")
        let shown = try await QueueCLI.run(["node", "queue", "show", "2", "--config", config])
        #expect(shown.status == 0, "\(shown.stderr)")
        let item = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect(item["state"] as? String == "set_aside")
        #expect((item["reason"] as? [String: Any])?["code"] as? String == "malformed_json")
        #expect((item["change"] as? String)?.hasPrefix(#"{"report_id""#) == true, "the unreadable change is shown as stored")
        let unknown = try await QueueCLI.run(["node", "queue", "show", "999", "--config", config])
        #expect(unknown.status == 3 && unknown.stderr.contains("999"))
        #expect(try await QueueCLI.run(["node", "queue", "retry", "999", "--config", config]).status == 3)

        // Retry: back at the end of the queue under a new sequence; still unreadable, so set aside again there.
        let retried = try await QueueCLI.run(["node", "queue", "retry", "2", "--config", config])
        #expect(retried.status == 0 && retried.stdout.contains("as 8"), "\(retried.stdout)\(retried.stderr)")
        let later = try await node.api.create(token: node.coordinator, county: "2062")
        try await TestNode.eventually("the retried change is set aside again as 8, the write after it reaches the hub") {
            let changes = try await node.api.status()["set_aside_changes"] as? [[String: Any]]
            let arrived = try await hub.storedStates()[later] != nil
            return changes?.compactMap { $0["seq"] as? Int } == [8] && arrived
        }

        // Drop: refused without confirmation, done with --yes, audited, and then unknown.
        let unconfirmed = try await QueueCLI.run(["node", "queue", "drop", "8", "--config", config])
        #expect(unconfirmed.status == 2 && unconfirmed.stderr.contains("not confirmed"), "\(unconfirmed.stderr)")
        #expect(try node.store.setAsideChanges().map(\.seq) == [8], "nothing is dropped unconfirmed")
        let dropped = try await QueueCLI.run(["node", "queue", "drop", "8", "--config", config, "--yes", "--reason", "test: unreadable"])
        #expect(dropped.status == 0, "\(dropped.stderr)")
        #expect(try node.store.setAsideChanges().isEmpty)
        let audit = try node.store.queueAudit()
        #expect(audit.map(\.action) == ["drop", "set_aside", "retry", "set_aside"])
        #expect(audit.first?.detail.contains("test: unreadable") == true && audit.first?.actor.hasPrefix("operator") == true)
        #expect(try await QueueCLI.run(["node", "queue", "drop", "8", "--config", config, "--yes"]).status == 3)

        // Nothing set aside any more: the node says so on its next pull and the gate passes.
        try await TestNode.eventually("the hub learns nothing is set aside") {
            try await hub.count("SELECT COALESCE(set_aside, -1) FROM nodes WHERE node_id = 'node-20'") == 0
        }
        #expect(try await node.api.status()["set_aside"] as? Int == 0)
        #expect(try await Self.promote(hub, pki) == nil, "promoted to live")
        await node.stop()
        await hub.stop()
    }

    /// Promotes garrison 20; the hub's refusal, or nil when promoted.
    static func promote(_ hub: TestHub, _ pki: TestPKI) async throws -> HubClientError? {
        do {
            _ = try await hub.withClient(pki.admin()) { try await $0.changePhase("20", .promote, reason: "test") }
            return nil
        } catch let error as HubClientError {
            return error
        }
    }

    /// Appends `text` to the store's queue as the next sequence, through a connection of its own.
    static func queueRaw(_ text: String, at path: String) throws -> Int64 {
        let queue = try DatabaseQueue(path: path)
        return try queue.write { db in
            let seq = try Int64.fetchOne(db, sql: "SELECT next_seq FROM sync_state WHERE id = 1") ?? 1
            try db.execute(
                sql: "INSERT INTO outbox (seq, report_id, queued_at, change) VALUES (?, ?, ?, ?)",
                arguments: [seq, "0190c0de-0000-7000-8000-00000000bad1", Int64(Date().timeIntervalSince1970 * 1000), text])
            try db.execute(sql: "UPDATE sync_state SET next_seq = ? WHERE id = 1", arguments: [seq + 1])
            return seq
        }
    }

    /// A node.yaml as an operator has it, naming the test node's store and certificate.
    static func config(pki: TestPKI, store: String) throws -> String {
        let file = pki.directory.appendingPathComponent("queue-node.yaml")
        try """
            node: { garrison: "20" }
            store: { path: \(store) }
            hub: { url: "https://127.0.0.1:9" }
            tls: { certificate: node-20.pem, key: node-20.key, ca: ca.pem }
            """.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}

/// Runs the built `garrison` executable to its end on a Dispatch thread (never blocking the cooperative pool),
/// with stdin empty: an unconfirmed drop reads end-of-file.
enum QueueCLI {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ arguments: [String]) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = try Executables.url("garrison")
                    process.arguments = arguments
                    let out = Pipe()
                    let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("queue-cli-\(UUID().uuidString).err")
                    _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
                    defer { try? FileManager.default.removeItem(at: errorFile) }
                    process.standardOutput = out
                    process.standardError = try FileHandle(forWritingTo: errorFile)
                    process.standardInput = FileHandle.nullDevice
                    try process.run()
                    let stdout = out.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    return Run(
                        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                        stderr: String(decoding: (try? Data(contentsOf: errorFile)) ?? Data(), as: UTF8.self))
                })
            }
        }
    }
}
