import Foundation
import GarrisonCore
import GarrisonNode
import GarrisonTestSupport
import Testing

/// Every write of the units' API is idempotent with an `Idempotency-Key` (issue 18, item 1): a retry after a
/// lost answer writes nothing again and answers as the first did; the key with another request is refused; a
/// report created with its own id cannot be created twice either.
@Suite("Node idempotent writes")
struct NodeIdempotencyTests {
    @Test("a note retried with its Idempotency-Key is written once; the key with another body is refused with 422")
    func retriedNoteIsWrittenOnce() async throws {
        let node = try await NodeLocalAPITests.offlineNode()
        defer { Task { await node.stop() } }
        let api = node.api
        let officer = try node.store.issueToken(unit: "KMP-2061", role: .officer, label: "patrol", nowMillis: 1).token
        let id = try await api.create(token: officer, county: "2061")
        let depth = try node.store.figures().queueDepth
        let key = [("Idempotency-Key", "\"\(UUID().uuidString)\"")]
        let note = ["text": "Patrol na miejscu o 14:05"]
        let first = try await api.send(.POST, "/v1/reports/\(id)/notes", token: officer, json: note, headers: key)
        let retry = try await api.send(.POST, "/v1/reports/\(id)/notes", token: officer, json: note, headers: key)
        #expect(first.status == 201 && !first.replayed)
        #expect(retry.status == 201 && retry.replayed, "\(retry.status) \(String(decoding: retry.body, as: UTF8.self))")
        #expect((try retry.json()["notes"] as? [Any])?.count == 1, "one note, however many retries")
        #expect(try node.store.figures().queueDepth == depth + 1, "one queued change")
        let other = try await api.send(.POST, "/v1/reports/\(id)/notes", token: officer, json: ["text": "Inna notatka"], headers: key)
        #expect(other.status == 422 && other.code == "idempotency_key_reused")
        // Without a key a retry is a new note, as HTTP says of POST.
        _ = try await api.write("/v1/reports/\(id)/notes", token: officer, note, expect: 201)
        let report = try await api.send(.GET, "/v1/reports/\(id)", token: officer).json()
        #expect(((report["report"] as? [String: Any])?["notes"] as? [Any])?.count == 2)
    }

    @Test("a status move and a creation retried with their keys answer from the first write; bad keys are 400")
    func retriedMoveAndCreation() async throws {
        let node = try await NodeLocalAPITests.offlineNode()
        defer { Task { await node.stop() } }
        let api = node.api
        let officer = try node.store.issueToken(unit: "KMP-2061", role: .officer, label: "patrol", nowMillis: 1).token
        let body: [String: Any] = ["county": "2061", "category": 7, "description": "Dzikie wysypisko", "pillar": "direct_contact"]
        let key = [("Idempotency-Key", "create-\(UUID().uuidString)")]
        // A retry sends the same bytes again (a dictionary serialised twice need not be).
        let bytes = try JSONSerialization.data(withJSONObject: body, options: .sortedKeys)
        let created = try await api.send(.POST, "/v1/reports", token: officer, raw: bytes, headers: key)
        let again = try await api.send(.POST, "/v1/reports", token: officer, raw: bytes, headers: key)
        #expect(created.status == 201 && again.status == 201 && again.replayed, "\(again.status) \(String(decoding: again.body, as: UTF8.self))")
        let id = try #require(try created.json()["id"] as? String)
        #expect(try again.json()["id"] as? String == id, "the retry names the report the first created, not a new one")
        _ = try await api.write("/v1/reports/\(id)/card", token: officer, ["findings": "Na miejscu"])
        let move = [("Idempotency-Key", "\"move-1\"")]
        let moved = try await api.send(.POST, "/v1/reports/\(id)/status", token: officer, json: ["status": "Potwierdzone"], headers: move)
        let retried = try await api.send(.POST, "/v1/reports/\(id)/status", token: officer, json: ["status": "Potwierdzone"], headers: move)
        #expect(moved.status == 200 && retried.status == 200 && retried.replayed)
        // Another unit's key space is its own: the same key from another token is a new request.
        let other = try node.store.issueToken(unit: "KMP-2061", role: .coordinator, label: "koordynator", nowMillis: 1).token
        let foreign = try await api.send(.POST, "/v1/reports/\(id)/notes", token: other, json: ["text": "x"], headers: move)
        #expect(foreign.status == 201 && !foreign.replayed)
        for bad in ["", "\"\"", "klucz z spacją", String(repeating: "k", count: 256)] {
            let refused = try await api.send(.POST, "/v1/reports/\(id)/notes", token: officer, json: ["text": "y"], headers: [("Idempotency-Key", bad)])
            #expect(refused.status == 400 && refused.code == "invalid_idempotency_key", "\(bad): \(refused.status)")
        }
        // A report created with its own id is idempotent without a key: the second creation stores nothing.
        var random = SystemRandomNumberGenerator()
        let ownID = UUIDv7.make(millis: Int64(Date().timeIntervalSince1970 * 1000), using: &random)
        var withID = body
        withID["id"] = ownID
        #expect(try await api.send(.POST, "/v1/reports", token: officer, json: withID).status == 201)
        let duplicate = try await api.send(.POST, "/v1/reports", token: officer, json: withID)
        #expect(duplicate.status == 409 && duplicate.code == "report_exists")
    }
}
