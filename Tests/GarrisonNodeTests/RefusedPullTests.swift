import Foundation
import GRDB
import GarrisonCore
@testable import GarrisonNode
import Testing

/// A pulled change the node cannot read is kept in `refused_pull` with its code while the cursor moves on
/// (issue 13), and the operator sees how many there are: `refused_pulls` in `/v1/status` and in `/metrics`.
struct RefusedPullTests {
    @Test("an unreadable pulled change is kept as malformed_change, counted in the status and the metrics")
    func unreadableIsKeptAndCounted() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("refused-pull-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try NodeStore(path: path, principal: Principal(role: .node, garrison: "20", site: "node-20"))
        let id = "0190f2a4-7b1c-7def-8123-456789abcdef"
        let body = #"""
            {"entries":[{"position":1,"committed_at":5,"change":{"report_id":"\#(id)","garrison":"20","origin":"node-20","kind":"teleport"}}],
             "next_cursor":1,"caught_up":true,"head":1,"hub":{"system_id":"1-x","timeline":1}}
            """#
        let page = try JSONDecoder().decode(PullPage.self, from: Data(body.utf8))
        #expect(page.unreadable.count == 1)
        #expect(try store.figures().refusedPulls == 0)

        let checkpoint = SyncCheckpoint(lastAcked: 0, queueHead: 0, cursor: 1, hub: nil, needsRebase: false)
        _ = try store.perform([.keepUnreadable(page.unreadable), .applyPage(entries: [], cursor: 1)], checkpoint: checkpoint, nowMillis: 10)

        #expect(try store.figures().refusedPulls == 1)
        let kept = try DatabaseQueue(path: path).read { db in
            try Row.fetchOne(db, sql: "SELECT position, report_id, code FROM refused_pull")
        }
        #expect(kept?["position"] == 1 as Int64 && kept?["report_id"] == id && kept?["code"] == "malformed_change")
        #expect(try store.checkpoint().cursor == 1, "the cursor moved past it")
    }
}
