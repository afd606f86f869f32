import Foundation
import GarrisonCore
import GarrisonNode
import GarrisonPKI
import GarrisonTestSupport
import Testing

/// The node process is killed with SIGKILL at random moments while units write and the sync worker pushes;
/// after every restart it resumes from its stored queue and checkpoint. At the end the hub holds every write a
/// unit had acknowledged, each change taken exactly once, and the queue is empty.
@Suite("Node crashes", .loadsTheMachine)
struct NodeCrashTests {
    static let kills = 22

    @Test("kill -9 during pushes, 22 times: every acknowledged write reaches the hub exactly once")
    func killDuringPush() async throws {
        let pki = try TestPKI()
        let hub = try await TestHub.start(pki: pki)
        let directory = pki.directory
        try pki.node("20").write(to: directory, name: "node-20")
        let storePath = directory.appendingPathComponent("crash.sqlite").path
        let port = try NodeProcess.freePort()
        let config = directory.appendingPathComponent("crash-node.yaml")
        try """
            node: { garrison: "20" }
            store: { path: \(storePath) }
            hub: { url: "\(hub.baseURL)", request_timeout_seconds: 15 }
            tls: { certificate: node-20.pem, key: node-20.key, ca: ca.pem }
            api: { address: "127.0.0.1:\(port)" }
            sync: { push_batch: 20, pull_wait_seconds: 2, backoff_base_ms: 20, backoff_ceiling_ms: 300 }
            """.write(to: config, atomically: true, encoding: .utf8)
        let store = try NodeStore(path: storePath, principal: Principal(role: .node, garrison: "20", site: "node-20"))
        let token = try store.issueToken(unit: nil, role: .voivodeship, label: "crash test", nowMillis: 1).token
        let log = directory.appendingPathComponent("crash-node.log")

        var acknowledged: Set<String> = []
        var generator = SystemRandomNumberGenerator()
        var interrupted = 0
        var killedWithQueue = 0
        for cycle in 0..<Self.kills {
            let node = try await NodeProcess(config: config.path, port: port, log: log)
            let killAfter = Int.random(in: 80...500, using: &generator)
            let killer = Task.detached {
                try await Task.sleep(for: .milliseconds(killAfter))
                await node.kill()
            }
            var index = 0
            while true {
                let county = TestNode.podlaskie[(cycle + index) % TestNode.podlaskie.count]
                index += 1
                // A request cut by the kill fails (the client retries connecting until its 2 s deadline).
                guard let answer = try? await node.api.send(
                    .POST, "/v1/reports", token: token,
                    json: ["county": county, "category": 7, "description": "Zgłoszenie \(cycle)/\(index)", "pillar": "police_systems"])
                else {
                    interrupted += 1
                    break
                }
                #expect(answer.status == 201)
                if let id = try? answer.json()["id"] as? String { acknowledged.insert(id) }
                if index % 3 == 0, let id = acknowledged.randomElement(using: &generator) {
                    _ = try? await node.api.send(.POST, "/v1/reports/\(id)/notes", token: token, json: ["text": "cykl \(cycle)"])
                }
            }
            try await killer.value
            if try store.figures().queueDepth > 0 { killedWithQueue += 1 }
        }
        #expect(interrupted == Self.kills, "every kill interrupted the units' writes")
        #expect(killedWithQueue >= 20, "kills landed while changes were queued and being pushed (\(killedWithQueue))")

        let node = try await NodeProcess(config: config.path, port: port, log: log)
        try await TestNode.eventually("the restarted node drains", timeout: .seconds(180)) {
            let status = try await node.api.status()
            return (status["queue_depth"] as? Int) == 0 && (status["caught_up"] as? Bool) == true
        }
        #expect(await node.terminate() == 0, "SIGTERM stops the node cleanly")

        let local = try store.reportGarrisons()
        let states = try await hub.storedStates()
        let checkpoint = try store.checkpoint()
        #expect(acknowledged.isSubset(of: Set(states.keys)), "every acknowledged report is at the hub")
        #expect(Set(local.keys) == Set(states.keys), "the hub holds exactly the node's reports")
        #expect(checkpoint.lastAcked == checkpoint.queueHead)
        #expect(try await hub.count("SELECT high_water FROM nodes WHERE node_id = 'node-20'") == checkpoint.queueHead)
        #expect(try await hub.count("SELECT changes_taken FROM nodes WHERE node_id = 'node-20'") == checkpoint.queueHead,
                "each queued change was taken once although pushes were cut by \(Self.kills) kills")
        #expect(try store.figures().queueDepth == 0)
        var differing = 0
        for id in local.keys where try store.report(id) != states[id] { differing += 1 }
        #expect(differing == 0)
        print("crash test: \(Self.kills) kills (\(killedWithQueue) with changes queued), \(acknowledged.count) acknowledged reports, \(checkpoint.queueHead) changes")
        await hub.stop()
    }
}
