import Foundation
import GarrisonCore
import GarrisonEmbeddedPostgres
import GarrisonTestSupport
import Testing

/// A failover of the hub's database to its synchronous standby (DESIGN §4): the promoted standby holds everything
/// the hub acknowledged, on a new timeline, and the nodes must tell that from a restore of an older backup by what
/// the hub acknowledges and what its feed holds, never by the timeline. A re-sync would re-queue every garrison's
/// whole history for nothing.
@Suite("A failover of the hub's database", .serialized, .loadsTheMachine)
struct DatabaseFailoverTests {
    @Test("the primary killed, its synchronous standby promoted: a node and the national node go on without a re-sync")
    func failoverCostsNoResync() async throws {
        let primary = try await TestCluster.offPool { try EmbeddedPostgres.start(durable: false) }
        defer { primary.stop() }
        let name = "garrison_failover"
        try await TestCluster.offPool { try primary.createDeploymentDatabase(name: name) }
        let pki = try TestPKI()
        var hub = try await TestHub.start(pki: pki, database: (primary, name))
        let port = hub.port
        let standby = try await TestCluster.offPool { try primary.startStandby() }
        defer { standby.stop() }
        // From here a commit waits for the standby, as under Patroni's synchronous_mode.
        try await TestNode.eventually("the standby streams as the synchronous one") { try primary.hasSynchronousStandby() }

        let node = try await TestNode.start(pki: pki, hubURL: hub.baseURL)
        let national = try await TestNode.start(pki: pki, hubURL: hub.baseURL, extra: ["node.role": "national"])
        var ids: [String] = []
        for index in 0..<30 { ids.append(try await node.api.create(token: node.coordinator, county: TestNode.podlaskie[index % 17])) }
        try await node.drained()
        try await TestNode.eventually("the national node holds the reports") { try national.store.report(ids[29]) != nil }
        let before = try await node.api.status()["hub"] as? String
        #expect(before?.hasSuffix("/1") == true, "the hub names timeline 1 before the failover: \(before ?? "nil")")

        // The primary dies (no shutdown checkpoint); the standby is promoted and a hub serves from it on the same
        // address, as HAProxy would send the hub's connections to the new primary. The hub is stopped first: an
        // in-process hub whose database died keeps its listener past its bounded stop, which a hub process would
        // not (its exit closes it), and the next one could not bind the address.
        await hub.stop()
        try await TestCluster.offPool { try primary.crash() }
        try await TestCluster.offPool { try standby.promote() }
        hub = try await TestHub.start(pki: pki, database: (standby, name), extra: ["listen.address": "127.0.0.1:\(port)"])
        #expect(try await hub.count("SELECT count(*) FROM reports WHERE garrison = '20'") == 30, "every acknowledged write survived")

        // With nothing queued, the node checks the new timeline by reading the entry at its cursor again and by an
        // empty push, and adopts it.
        try await TestNode.eventually("the node adopts the new timeline with nothing to push") {
            (try await node.api.status()["hub"] as? String)?.hasSuffix("/2") == true
        }
        for index in 0..<20 { ids.append(try await node.api.create(token: node.coordinator, county: TestNode.podlaskie[index % 17])) }
        try await node.api.write("/v1/reports/\(ids[0])/card", token: node.coordinator, ["findings": "po przełączeniu"])
        try await node.drained()
        try await TestNode.eventually("the node adopts the new timeline") {
            (try await node.api.status()["hub"] as? String)?.hasSuffix("/2") == true
        }
        // The national HQ hides a report: its push lane meets the new timeline too.
        try await national.api.write("/v1/reports/\(ids[1])/hidden", token: national.coordinator, ["hidden": true])
        try await TestNode.eventually("the national node's lane of garrison 20 and its push lane adopt the new timeline") {
            let lane = try national.store.feedCheckpoint("20")
            let pushLane = try await national.api.status()["hub"] as? String
            return lane.hub?.timeline == 2 && lane.cursorMark != nil && pushLane?.hasSuffix("/2") == true
        }
        try await TestNode.eventually("the hide is at the hub and back at the node") {
            try await hub.storedStates()[ids[1]]?[.hidden] == .bool(true) && (try node.store.report(ids[1]))?[.hidden] == .bool(true)
        }
        try await node.drained()
        try await TestNode.eventually("the national node holds every report") { try national.store.report(ids[49]) != nil }
        #expect(try await node.api.status()["resyncs"] as? Int == 0, "the node did not re-sync")
        #expect(try await national.api.status()["resyncs"] as? Int == 0, "the national node did not re-sync")
        #expect(try await hub.count("SELECT count(*) FROM reports WHERE garrison = '20'") == 50)
        let states = try await hub.storedStates()
        for id in ids {
            #expect(try node.store.report(id) == states[id])
            #expect(try national.store.report(id) == states[id])
        }
        await national.stop()
        await node.stop()
        await hub.stop()
    }
}
