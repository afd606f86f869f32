import GarrisonTestSupport
import Foundation
import GarrisonCore
import GarrisonHub
import GarrisonHubClient
import GarrisonPKI
import GarrisonSimulation
import Synchronization
import Testing

/// Seventeen nodes and the national node push at once, with lost answers (replays), overlapping and
/// out-of-order batches, while the hub is restarted mid-stream: the hub ends equal to a reference merge of
/// every change, each change applied exactly once.
@Suite(.serialized, .loadsTheMachine) struct HubConvergenceTests {
    static let changesPerNode = 150

    @Test func concurrentNodesWithReplaysGapsAndARestartConverge() async throws {
        let pki = try TestPKI()
        let database = try await TestCluster.freshDatabase()
        let first = try await TestHub.start(pki: pki, database: database)
        let port = first.port
        let garrisons = GarrisonRegistry.standard.garrisons.map(\.code)
        var queues: [GarrisonCode: [QueuedChange]] = [:]
        for garrison in garrisons {
            var workload = GarrisonWorkload(garrison: garrison, site: SiteID(rawValue: "node-\(garrison.rawValue)"), seed: HubFixtures.seed(garrison))
            queues[garrison] = (1...Self.changesPerNode).map {
                QueuedChange(seq: Int64($0), change: workload.next(nowMillis: HubFixtures.now + Int64($0) * 10, creationShare: $0 <= 10 ? 1 : 0.4))
            }
        }
        // The national node hides each garrison's first report and links its second to it as a duplicate.
        var nationalChanges: [Change] = []
        for garrison in garrisons {
            let creations = queues[garrison]!.filter { $0.change.kind == .create }.prefix(2).map(\.change)
            let stamp = HLC(wallMillis: HubFixtures.now + 500, counter: 0, site: "national")
            var hide = Change(reportID: creations[0].reportID, garrison: garrison, origin: "national", kind: .update)
            hide.fields[.hidden] = Register(value: .bool(true), stamp: stamp)
            var link = Change(reportID: creations[1].reportID, garrison: garrison, origin: "national", kind: .update)
            link.fields[.duplicateOf] = Register(value: .string(creations[0].reportID), stamp: stamp)
            nationalChanges += [hide, link]
        }
        let national = nationalChanges.enumerated().map { QueuedChange(seq: Int64($0.offset + 1), change: $0.element) }

        let progress = Progress()
        let total = garrisons.count * Self.changesPerNode
        let baseURL = first.baseURL
        let restarted = try await withThrowingTaskGroup(of: TestHub?.self) { group in
            for garrison in garrisons {
                let credential = try pki.node(garrison)
                let queue = queues[garrison]!
                group.addTask {
                    try await Self.pushAll(queue, credential: credential, pki: pki, baseURL: baseURL, seed: HubFixtures.seed(garrison), progress: progress)
                    return nil
                }
            }
            let nationalCredential = try pki.national()
            group.addTask {
                // Every report the national node touches is among the first ten changes of its garrison.
                while progress.value < total / 4 { try await Task.sleep(for: .milliseconds(20)) }
                try await Self.pushAll(national, credential: nationalCredential, pki: pki, baseURL: baseURL, seed: 99, progress: nil)
                return nil
            }
            group.addTask {
                while progress.value < total / 2 { try await Task.sleep(for: .milliseconds(10)) }
                await first.stop()
                try await Task.sleep(for: .milliseconds(300))
                return try await TestHub.start(pki: pki, database: database, extra: ["listen.address": "127.0.0.1:\(port)"])
            }
            var second: TestHub? = nil
            for try await hub in group { if let hub { second = hub } }
            return second
        }
        let hub = try #require(restarted)

        var expected: [String: ReportState] = [:]
        for change in queues.values.flatMap({ $0.map(\.change) }) + national.map(\.change) {
            expected[change.reportID] = MergeEngine.apply(change, to: expected[change.reportID], nowMillis: 0).state
        }
        let stored = try await HubFixtures.storedStates(hub)
        #expect(stored.count == expected.count)
        let differing = stored.filter { expected[$0.key] != $0.value }.count
        #expect(differing == 0, "the hub differs from the reference merge on these reports")
        #expect(try await HubFixtures.count(hub, "SELECT count(*) FROM quarantine") == 0)
        // Each change reached its garrison's feed exactly once, and each node's sequence was taken once.
        #expect(try await HubFixtures.count(hub, "SELECT count(*) FROM feed") == Int64(total + national.count))
        #expect(try await HubFixtures.count(hub, "SELECT count(*) FROM (SELECT DISTINCT garrison, change FROM feed) AS d") == Int64(total + national.count))
        let complete = "SELECT count(*) FROM nodes WHERE role = 'node' AND high_water = \(Self.changesPerNode) AND changes_taken = \(Self.changesPerNode)"
        #expect(try await HubFixtures.count(hub, complete) == 17)
        await hub.stop()
    }

    /// A node's push loop over an unreliable link: random batch sizes, 15% out-of-order batches (the hub
    /// refuses the gap and the node goes on from its ack), 15% overlapping resends, 20% lost answers, and
    /// retries while the hub is down.
    static func pushAll(
        _ queue: [QueuedChange], credential: GarrisonPKI.Credential, pki: TestPKI, baseURL: String, seed: UInt64,
        progress: Progress?
    ) async throws {
        let client = try HubClient(
            baseURL: baseURL, certificatePEM: credential.certificatePEM, keyPEM: credential.keyPEM, caPEM: pki.ca.certificatePEM,
            timeout: .seconds(20))
        // Shut down on every way out: a failed requirement throws, and a client dropped unshut is a fatal error
        // in a debug build, which would end the whole test run.
        do {
            try await pushAll(queue, through: client, seed: seed, progress: progress)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private static func pushAll(_ queue: [QueuedChange], through client: HubClient, seed: UInt64, progress: Progress?) async throws {
        var random = SplitMix64(seed: seed)
        var acked = 0
        var failures = 0
        while acked < queue.count {
            let size = 1 + Int(random.next() % 25)
            let roll = random.next() % 100
            var start = acked
            if roll < 15 { start = min(queue.count - 1, acked + 1 + Int(random.next() % 5)) }  // skips ahead
            else if roll < 30 { start = max(0, acked - Int(random.next() % 8)) }  // overlaps
            let batch = Array(queue[start..<min(queue.count, start + size)])
            do {
                let ack = try await client.push(PushRequest(changes: batch))
                #expect(ack.rejections.isEmpty)
                // A batch past the hub's high-water mark is refused whole; any other is taken through its end.
                #expect(ack.ackedThrough < batch.first!.seq || ack.ackedThrough >= batch.last!.seq)
                if random.next() % 100 < 20 { continue }  // the answer was lost
                let advanced = Int(ack.ackedThrough) - acked
                if advanced > 0 { progress?.add(advanced) }
                acked = max(acked, Int(ack.ackedThrough))
            } catch {
                failures += 1
                try #require(failures < 400, "the hub stayed unreachable: \(error)")
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}

/// How many changes the nodes have had acknowledged so far (the restart waits for half).
final class Progress: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add(_ amount: Int) { count.withLock { $0 += amount } }
}
