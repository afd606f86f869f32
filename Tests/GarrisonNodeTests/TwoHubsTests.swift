import Foundation
import GarrisonCore
import GarrisonHubClient
import GarrisonNode
import GarrisonPKI
import GarrisonTestSupport
import Testing

/// Two hubs on one PostgreSQL behind one address (issue 18, item 2): a relay sends every connection to one of them
/// at random and cuts it after one to six seconds (a long-poll waits two), so each node's pushes and long-polls land on both, and a pull
/// waiting at one hub is woken by a push the other committed (LISTEN/NOTIFY is the database's). Everything the
/// nodes made arrives once, and every replica ends equal to the database.
@Suite("Two hubs on one database", .serialized, .loadsTheMachine)
struct TwoHubsTests {
    @Test("three garrison nodes and the national node, switched between two hubs at random, converge: every report once")
    func twoHubsConverge() async throws {
        let pki = try TestPKI()
        let first = try await TestHub.start(pki: pki)
        let second = try await TestHub.start(pki: pki, database: (first.cluster, first.database))
        let relay = try TCPRelay(upstreams: [first.port, second.port], seed: 18, lifetime: 1...6)
        defer { relay.close() }
        let url = "https://localhost:\(relay.port)"
        let places: [(GarrisonCode, String)] = [("20", "2061"), ("22", "2261"), ("KSP", "1465")]
        var nodes: [TestNode] = []
        for (garrison, _) in places { nodes.append(try await TestNode.start(pki: pki, hubURL: url, garrison: garrison)) }
        let national = try await TestNode.start(pki: pki, hubURL: url, extra: ["node.role": "national"])

        let perNode = 25
        for (node, (_, county)) in zip(nodes, places) {
            for index in 0..<perNode {
                let id = try await node.api.create(token: node.coordinator, county: county, description: "Zgłoszenie \(index) przez dwa huby")
                if index % 2 == 0 {
                    try await node.api.write("/v1/reports/\(id)/card", token: node.coordinator, ["findings": "Na miejscu"])
                }
            }
        }
        for node in nodes { try await node.drained() }
        let total = perNode * places.count
        try await TestNode.eventually("the national node holds every report") {
            try national.store.reports(ReportFilter(limit: 1000), nowMillis: 0).count == total
        }

        let states = try await first.storedStates()
        #expect(states.count == total)
        for (node, (garrison, _)) in zip(nodes, places) {
            for state in states.values where state.garrison == garrison {
                #expect(try node.store.report(state.reportID) == state, "node \(garrison) holds report \(state.reportID) as the hub does")
            }
        }
        for state in states.values {
            #expect(try national.store.report(state.reportID) == state, "the national node holds \(state.reportID) as the hub does")
        }
        // Exactly once: each node's 25 creations and 13 cards are in its garrison's feed once each.
        for (garrison, _) in places {
            let count = try await first.withDatabase { client in
                var count = 0
                let rows = try await client.query("SELECT count(*)::int FROM feed WHERE change->>'origin' = \("node-\(garrison.rawValue)")")
                for try await value in rows.decode(Int.self) { count = value }
                return count
            }
            #expect(count == perNode + (perNode + 1) / 2, "garrison \(garrison): \(count) feed entries from its node")
        }
        let relayed = relay.relayed
        #expect(relayed.allSatisfy { $0 >= 5 }, "both hubs served connections: \(relayed)")

        for node in nodes { await node.stop() }
        await national.stop()
        await second.stop()
        await first.stop()
    }

    @Test("a revocation written to the revocation list the hubs share is enforced by both within their reload")
    func revocationReachesBothHubs() async throws {
        let pki = try TestPKI()
        let list = pki.directory.appendingPathComponent("revoked.txt").path
        let shared = ["tls.revocation_list": list, "tls.revocation_reload_seconds": "1"]
        let first = try await TestHub.start(pki: pki, extra: shared)
        let second = try await TestHub.start(pki: pki, database: (first.cluster, first.database), extra: shared)
        let credential = try pki.node("20")
        let clients = [try first.client(credential), try second.client(credential)]
        do {
            for client in clients { _ = try await client.pull(cursor: 0, limit: 10) }
            try RevocationList.append(serial: try CertificateSummary(pem: credential.certificatePEM).serial, reason: "laptop stolen", to: list)
            for (index, client) in clients.enumerated() {
                try await TestNode.eventually("hub \(index + 1) refuses the revoked certificate", timeout: .seconds(20)) {
                    do {
                        _ = try await client.pull(cursor: 0, limit: 10)
                        return false
                    } catch let error as HubClientError {
                        return error.status == 403 && error.code == "certificate_revoked"
                    }
                }
            }
        } catch {
            for client in clients { try? await client.shutdown() }
            await second.stop()
            await first.stop()
            throw error
        }
        for client in clients { try await client.shutdown() }
        await second.stop()
        await first.stop()
    }
}
