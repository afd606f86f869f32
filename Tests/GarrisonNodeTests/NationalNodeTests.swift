import Foundation
import GarrisonCore
import GarrisonNode
import GarrisonTestSupport
import Testing

/// The national node on the same node code: it follows every garrison's feed with a cursor of its own.
@Suite("National node")
struct NationalNodeTests {
    @Test("three garrison nodes and the national node: the national store holds every report, each feed tracked apart")
    func followsEveryGarrison() async throws {
        let pki = try TestPKI()
        let hub = try await TestHub.start(pki: pki)
        let garrisons: [(GarrisonCode, [String])] = [("KSP", ["1465", "1418"]), ("20", ["2061", "2002"]), ("22", ["2261", "2201"])]
        var nodes: [TestNode] = []
        var made: [String: GarrisonCode] = [:]
        for (garrison, counties) in garrisons {
            let node = try await TestNode.start(pki: pki, hubURL: hub.baseURL, garrison: garrison)
            nodes.append(node)
            for index in 0..<5 {
                made[try await node.api.create(token: node.coordinator, county: counties[index % counties.count])] = garrison
            }
        }
        let national = try await TestNode.start(
            pki: pki, hubURL: hub.baseURL, extra: ["node.role": "national", "national.garrisons": "KSP,20,22"])
        try await TestNode.eventually("the national node holds all 15 reports") {
            try national.store.reportGarrisons().count == 15
        }
        let held = try national.store.reportGarrisons()
        #expect(held == made.mapValues(\.rawValue))
        try await TestNode.eventually("every followed feed is caught up") {
            let feeds = try await national.api.status()["feeds"] as? [[String: Any]] ?? []
            return feeds.count == 3 && feeds.allSatisfy { ($0["caught_up"] as? Bool) == true && ($0["cursor"] as? Int ?? 0) >= 5 }
        }
        let listed = try await national.api.send(.GET, "/v1/reports?limit=100", token: national.coordinator).json()
        #expect((listed["reports"] as? [[String: Any]])?.count == 15, "the national list spans every garrison")
        let own = try nodes[1].store.reportGarrisons()
        #expect(Set(own.values) == ["20"], "a garrison's node holds only its own garrison's reports")
        let refused = try await national.api.send(
            .POST, "/v1/reports", token: national.coordinator,
            json: ["county": "2061", "category": 7, "description": "x", "pillar": "direct_contact"])
        #expect(refused.status == 403 && refused.code == "wrong_role")
        for node in nodes { await node.stop() }
        await national.stop()
        await hub.stop()
    }
}
