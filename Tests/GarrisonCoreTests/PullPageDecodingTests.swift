import Foundation
import GarrisonCore
import Testing

/// A pull page is decoded entry by entry, like a push (issue 13): one change a node cannot read never stalls its
/// feed. The unreadable entry is kept with its position and reason; the others apply; the cursor moves past all.
@Suite("Pull pages, entry by entry")
struct PullPageDecodingTests {
    let hub = HubIdentity(systemID: "1-x", timeline: 1)

    func page(_ entries: [String], nextCursor: Int64) -> Data {
        Data("""
            {"entries":[\(entries.joined(separator: ","))],"next_cursor":\(nextCursor),"caught_up":true,"head":\(nextCursor),
             "hub":{"system_id":"1-x","timeline":1}}
            """.utf8)
    }

    func entry(_ position: Int64, _ change: Change) throws -> String {
        String(decoding: try JSONEncoder().encode(FeedEntry(position: position, change: change, committedAtMillis: 5)), as: UTF8.self)
    }

    @Test("an unreadable change in the middle is kept aside; the entries around it apply and the cursor passes it")
    func unreadableInTheMiddle() throws {
        let id = "0190f2a4-7b1c-7def-8123-456789abcdef"
        let first = Change(reportID: id, garrison: "20", origin: "node-20", kind: .update)
        let broken = #"{"position":2,"committed_at":5,"change":{"report_id":"\#(id)","garrison":"20","origin":"node-20","kind":"teleport"}}"#
        let body = page([try entry(1, first), broken, try entry(3, first)], nextCursor: 3)
        let decoded = try JSONDecoder().decode(PullPage.self, from: body)
        #expect(decoded.entries.map(\.position) == [1, 3])
        #expect(decoded.unreadable.map(\.position) == [2])
        #expect(decoded.unreadable.first?.reportID == id)
        #expect(decoded.unreadable.first?.reason.contains("kind") == true, "\(decoded.unreadable)")
        try decoded.validate(after: 0, limit: 10)

        var machine = NodeSyncMachine(checkpoint: .initial, random: SplitMix64(seed: 1))
        _ = machine.nextPull(nowMillis: 0)
        let effects = machine.pullSucceeded(decoded, nowMillis: 1)
        #expect(effects.contains(.keepUnreadable(decoded.unreadable)))
        #expect(effects.contains(.applyPage(entries: decoded.entries, cursor: 3)))
        #expect(machine.checkpoint.cursor == 3)
    }

    @Test("positions out of order count unreadable entries too; an unreadable position makes the page malformed")
    func positionsStillChecked() throws {
        let id = "0190f2a4-7b1c-7def-8123-456789abcdef"
        let change = Change(reportID: id, garrison: "20", origin: "node-20", kind: .update)
        let broken = #"{"position":1,"committed_at":5,"change":{"kind":7}}"#
        let reordered = try JSONDecoder().decode(PullPage.self, from: page([try entry(1, change), broken], nextCursor: 1))
        #expect(throws: ValidationError.self) { try reordered.validate(after: 0, limit: 10) }
        let noPosition = #"{"position":"x","change":{}}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PullPage.self, from: page([noPosition], nextCursor: 1)) }
    }

    @Test("the wire form is unchanged: what is encoded decodes to the same page, with nothing unreadable")
    func roundTrip() throws {
        let change = Change(reportID: "0190f2a4-7b1c-7def-8123-456789abcdef", garrison: "20", origin: "node-20", kind: .update)
        let original = PullPage(
            entries: [FeedEntry(position: 7, change: change, committedAtMillis: 9)], nextCursor: 7, caughtUp: false, head: 9, hub: hub)
        let json = try JSONEncoder().encode(original)
        #expect(!String(decoding: json, as: UTF8.self).contains("unreadable"))
        #expect(try JSONDecoder().decode(PullPage.self, from: json) == original)
    }

    /// Found by the libFuzzer target in CI: an acknowledgement through 0 that rejects a change made the check build
    /// the range 1...0, which traps. Now it is a malformed answer like any other.
    @Test("a push answer acknowledging through 0 yet rejecting a change is refused, never a trap")
    func ackThroughZeroWithRejections() throws {
        let body = Data(#"{"acked_through":0,"rejections":[{"seq":4,"reason":{"code":"invalid_text","message":"x"}}],"hub":{"system_id":"7-abc","timeline":1}}"#.utf8)
        let ack = try JSONDecoder().decode(PushAck.self, from: body)
        #expect(throws: ValidationError.self) { try ack.validate() }
        let negative = try JSONDecoder().decode(PushAck.self, from: Data(#"{"acked_through":-5,"rejections":[],"hub":{"system_id":"7-abc","timeline":1}}"#.utf8))
        #expect(throws: ValidationError.self) { try negative.validate() }
    }
}
