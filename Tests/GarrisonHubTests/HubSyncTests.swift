import GarrisonTestSupport
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

/// The long-poll: a pull that finds nothing waits, and a commit to its garrison's feed wakes it.
@Suite(.serialized) struct HubLongPollTests {
    @Test func aWaitingPullIsWokenByACommitToItsGarrison() async throws {
        try await TestHub.with { hub in
            try await hub.withClient(hub.pki.node("20")) { node in
                var workload = GarrisonWorkload(garrison: "20", site: "node-20", seed: 11)
                let change = workload.create(nowMillis: HubFixtures.now)
                let started = ContinuousClock.now
                async let page = node.pull(cursor: 0, limit: 100, wait: 25)
                try await Task.sleep(for: .milliseconds(400))
                // A commit to another garrison does not answer the waiting pull.
                var other = GarrisonWorkload(garrison: "22", site: "node-22", seed: 12)
                _ = try await hub.withClient(hub.pki.node("22")) { try await $0.push(PushRequest(changes: [QueuedChange(seq: 1, change: other.create(nowMillis: HubFixtures.now))])) }
                _ = try await node.push(PushRequest(changes: [QueuedChange(seq: 1, change: change)]))
                let answer = try await page
                let waited = ContinuousClock.now - started
                #expect(answer.entries.map(\.change.reportID) == [change.reportID])
                #expect(answer.caughtUp)
                // Woken by the notification, not by the 25-second timeout (a wide margin: the machine may be busy).
                #expect(waited < .seconds(20), "the pull answered after \(waited)")
                #expect(answer.hub.timeline >= 1 && !answer.hub.systemID.hasPrefix("0-"))
            }
        }
    }

    @Test func aPullWithNothingNewAnswersEmptyAtTheTimeout() async throws {
        try await TestHub.with { hub in
            let page = try await hub.withClient(hub.pki.node("20")) { try await $0.pull(cursor: 0, limit: 100, wait: 1) }
            #expect(page.entries.isEmpty && page.caughtUp && page.nextCursor == 0 && page.head == 0)
        }
    }
}
