import Foundation
import GarrisonCore
import GarrisonHub
import GarrisonHubClient
import GarrisonSimulation
import Testing

/// Push, pull and snapshot through a real hub on a real PostgreSQL over real mutual TLS.
@Suite(.serialized) struct HubSyncTests {
    static let now: Int64 = 1_790_000_000_000

    @Test func pushedReportsComeBackThroughPullAndSnapshot() async throws {
        try await TestHub.with { hub in
        try await hub.withClient(hub.pki.node("20")) { node in
        var workload = GarrisonWorkload(garrison: "20", site: "node-20", seed: 1)
        let changes = (1...50).map { QueuedChange(seq: Int64($0), change: workload.next(nowMillis: Self.now + Int64($0))) }

        let ack = try await node.push(PushRequest(changes: changes))
        #expect(ack.ackedThrough == 50)
        #expect(ack.rejections.isEmpty)

        let page = try await node.pull(cursor: 0, limit: 1_000)
        #expect(page.entries.count == 50)
        #expect(page.caughtUp)
        #expect(page.head == 50)
        #expect(page.entries.map(\.position) == Array(1...50))

        let snapshot = try await node.snapshot(limit: 1_000)
        #expect(snapshot.cursor == 50)
        #expect(snapshot.nextAfter == nil)
        #expect(Dictionary(uniqueKeysWithValues: snapshot.reports.map { ($0.reportID, $0) }) == workload.states)
        }
        }
    }

    @Test func aReplayedBatchAppliesOnce() async throws {
        try await TestHub.with { hub in
        try await hub.withClient(hub.pki.node("22")) { node in
        var workload = GarrisonWorkload(garrison: "22", site: "node-22", seed: 2)
        let changes = (1...20).map { QueuedChange(seq: Int64($0), change: workload.next(nowMillis: Self.now + Int64($0))) }
        _ = try await node.push(PushRequest(changes: Array(changes[0..<12])))
        // The answer to the first push was lost: the node sends an overlapping batch.
        let ack = try await node.push(PushRequest(changes: Array(changes[5..<20])))
        #expect(ack.ackedThrough == 20)
        let page = try await node.pull(cursor: 0, limit: 1_000)
        #expect(page.entries.count == 20)
        }
        }
    }
}
