import Foundation
import GarrisonCore
import GarrisonNode
import GarrisonTestSupport
import Synchronization
import Testing

/// The units' local API on a node working offline (sync off): tokens and roles, the status flow, problem+json
/// for bad requests with nothing stored, filters, history, and the durability settings of the store.
@Suite("Node local API")
struct NodeLocalAPITests {
    static func offlineNode(clock: (@Sendable () -> Int64)? = nil) async throws -> TestNode {
        try await TestNode.start(pki: TestPKI(), hubURL: "https://127.0.0.1:9", extra: ["sync.enabled": "false"], clock: clock)
    }

    @Test("the store runs in WAL mode with synchronous=FULL")
    func durability() async throws {
        let node = try await Self.offlineNode()
        defer { Task { await node.stop() } }
        #expect(try node.store.synchronousLevel() == 2)
    }

    @Test("with validation.counties a unit's report must lie inside its county; without, the register alone is checked")
    func boundaries() async throws {
        let node = try await TestNode.start(
            pki: TestPKI(), hubURL: "https://127.0.0.1:9",
            extra: ["sync.enabled": "false", "validation.counties": try ReferenceData.counties()])
        func create(_ lat: Double, _ lon: Double) async throws -> LocalAPIClient.Answer {
            try await node.api.send(.POST, "/v1/reports", token: node.coordinator, json: [
                "county": "2061", "category": 7, "description": "Zniszczona wiata przystanku", "pillar": "direct_contact",
                "location": ["lat": lat, "lon": lon],
            ])
        }
        #expect(try await create(53.1325, 23.1688).status == 201, "Białystok, inside county 2061")
        let suwalki = try await create(54.1115, 22.9308)
        #expect(suwalki.status == 422 && suwalki.code == "location_outside_county", "\(suwalki.status) \(suwalki.code ?? "")")
        let grodno = try await create(53.6884, 23.8258)
        #expect(grodno.status == 422 && ["location_outside_county", "outside_poland"].contains(grodno.code ?? ""))
        #expect(try node.store.figures().queueDepth == 1, "only the report inside its county was queued")
        await node.stop()
    }

    @Test("tokens: none, unknown and revoked are refused with 401 problem+json")
    func tokens() async throws {
        let node = try await Self.offlineNode()
        let api = node.api
        let missing = try await api.send(.GET, "/v1/reports", token: nil)
        #expect(missing.status == 401 && missing.code == "token_required")
        #expect(missing.contentType == "application/problem+json")
        let unknown = try await api.send(.GET, "/v1/reports", token: "gut_nope_nope")
        #expect(unknown.status == 401 && unknown.code == "invalid_token")
        let issued = try node.store.issueToken(unit: "KMP-2061", role: .officer, label: "dyżurny", nowMillis: 1)
        #expect(try await api.send(.GET, "/v1/reports", token: issued.token).status == 200)
        #expect(try node.store.revokeToken(id: issued.id, nowMillis: 2))
        #expect(try await api.send(.GET, "/v1/reports", token: issued.token).code == "invalid_token")
        #expect(throws: NodeStoreError.self) { try node.store.issueToken(unit: "KPP-1418", role: .officer, label: "x", nowMillis: 1) }
        await node.stop()
    }

    @Test("a report goes through card, verification, confirmation and handover; reopen is for coordinators")
    func statusFlow() async throws {
        let node = try await Self.offlineNode()
        let api = node.api
        let officer = try node.store.issueToken(unit: "KMP-2061", role: .officer, label: "patrol", nowMillis: 1).token
        let local = try node.store.issueToken(unit: "KMP-2061", role: .coordinator, label: "koordynator", nowMillis: 1).token
        let id = try await api.create(token: officer, county: "2061")
        let card = try await api.write("/v1/reports/\(id)/card", token: officer, ["findings": "Potwierdzono na miejscu"])
        #expect(card["status"] as? String == "Weryfikacja")
        #expect(card["read_at"] is Int)
        let skip = try await api.send(.POST, "/v1/reports/\(id)/status", token: officer, json: ["status": "Potwierdzone (wyeliminowane)"])
        #expect(skip.status == 409 && skip.code == "invalid_transition")
        try await api.write("/v1/reports/\(id)/status", token: officer, ["status": "Potwierdzone"])
        let handed = try await api.write("/v1/reports/\(id)/handover", token: officer, ["to": "Straż Miejska w Białymstoku"])
        #expect(handed["status"] as? String == "Potwierdzone (przekazane poza Policję)")
        #expect(handed["handover"] as? String == "Straż Miejska w Białymstoku")
        let denied = try await api.send(.POST, "/v1/reports/\(id)/reopen", token: officer, json: ["reason": "nowe zgłoszenia"])
        #expect(denied.status == 403 && denied.code == "coordinator_only")
        let reopened = try await api.write("/v1/reports/\(id)/reopen", token: local, ["reason": "Kolejne zgłoszenia mieszkańców"])
        #expect(reopened["status"] as? String == "Weryfikacja" && reopened["epoch"] as? Int == 1)
        try await api.write("/v1/reports/\(id)/notes", token: officer, ["text": "Patrol ponownie na miejscu"], expect: 201)

        let detail = try await api.send(.GET, "/v1/reports/\(id)", token: officer).json()
        let history = try #require(detail["history"] as? [[String: Any]])
        #expect(history.count == 6)
        #expect(history.allSatisfy { $0["source"] as? String == "local" })
        #expect((history.last?["author"] as? String)?.contains("KMP-2061") == true)
        let report = try #require(detail["report"] as? [String: Any])
        #expect((report["notes"] as? [[String: Any]])?.count == 2)
        #expect((try await api.status())["queue_depth"] as? Int == 6)
        await node.stop()
    }

    @Test("bad requests answer problem+json and store nothing")
    func badRequests() async throws {
        let node = try await Self.offlineNode()
        let api = node.api
        let officer = try node.store.issueToken(unit: "KMP-2061", role: .officer, label: "patrol", nowMillis: 1).token
        let other = try node.store.issueToken(unit: "KPP-2002", role: .officer, label: "patrol", nowMillis: 1).token
        let id = try await api.create(token: officer, county: "2061")
        let before = try await api.status()["queue_depth"] as? Int
        let cases: [(String, [String: Any]?, Data?, String, Int, String)] = [
            ("/v1/reports", nil, Data("{not json".utf8), officer, 400, "malformed_json"),
            ("/v1/reports", ["county": "2061", "category": 7, "pillar": "direct_contact"], nil, officer, 400, "malformed_json"),
            ("/v1/reports", ["county": "2061", "category": 999, "description": "x", "pillar": "direct_contact"], nil, officer, 422, "unknown_category"),
            ("/v1/reports", ["county": "2061", "category": 7, "description": String(repeating: "x", count: 501), "pillar": "direct_contact"], nil, officer, 422, "description_too_long"),
            ("/v1/reports", ["county": "9999", "category": 7, "description": "x", "pillar": "direct_contact"], nil, officer, 422, "invalid_teryt"),
            ("/v1/reports", ["county": "2061", "category": 7, "description": "x", "pillar": "citizens_online"], nil, officer, 422, "invalid_pillar"),
            ("/v1/reports", ["county": "2002", "category": 7, "description": "x", "pillar": "direct_contact"], nil, officer, 403, "outside_unit"),
            ("/v1/reports", ["county": "1465", "category": 7, "description": "x", "pillar": "direct_contact"], nil, node.coordinator, 422, "wrong_garrison"),
            ("/v1/reports", ["id": id, "county": "2061", "category": 7, "description": "x", "pillar": "direct_contact"], nil, officer, 409, "report_exists"),
            ("/v1/reports/\(id)/status", ["status": "Zrobione"], nil, officer, 422, "unknown_status"),
            ("/v1/reports/\(id)/status", ["status": "Potwierdzone"], nil, officer, 409, "invalid_transition"),
            ("/v1/reports/\(id)/notes", ["text": ""], nil, officer, 422, "invalid_note"),
            ("/v1/reports/\(id)/notes", ["text": "obcy"], nil, other, 403, "outside_unit"),
            ("/v1/reports/\(id)/unit", ["unit": "KPP-2002"], nil, officer, 403, "coordinator_only"),
            ("/v1/reports/\(id)/unit", ["unit": "KPP-1418"], nil, node.coordinator, 422, "unknown_unit"),
            ("/v1/reports/0190-missing/notes", ["text": "x"], nil, officer, 404, "unknown_report"),
        ]
        for (path, json, raw, token, status, code) in cases {
            let answer = try await api.send(.POST, path, token: token, json: json, raw: raw)
            #expect(answer.status == status && answer.code == code, "POST \(path) \(json ?? [:]) gave \(answer.status) \(answer.code ?? "-")")
            #expect(answer.contentType == "application/problem+json")
        }
        #expect(try await api.status()["queue_depth"] as? Int == before)
        #expect(try node.store.history(id).count == 1)
        let assigned = try await api.write("/v1/reports/\(id)/unit", token: node.coordinator, ["unit": "KPP-2002"])
        #expect(assigned["unit"] as? String == "KPP-2002")
        #expect(try await api.send(.POST, "/v1/reports/\(id)/notes", token: officer, json: ["text": "x"]).code == "outside_unit")
        await node.stop()
    }

    @Test("the list filters by status, category, county, unit and overdue deadlines, with keyset pages")
    func listing() async throws {
        let now = Atomic(Int64(1_790_000_000_000))
        let node = try await Self.offlineNode(clock: { now.load(ordering: .relaxed) })
        let api = node.api
        let token = node.coordinator
        var ids: [String] = []
        for (index, county) in ["2061", "2061", "2002", "2062", "2061"].enumerated() {
            ids.append(try await api.create(token: token, county: county, category: index % 2 == 0 ? 7 : 3))
        }
        try await api.write("/v1/reports/\(ids[0])/card", token: token, [:])
        now.store(1_790_000_000_000 + 3 * 86_400_000, ordering: .relaxed)
        try await api.write("/v1/reports/\(ids[1])/card", token: token, [:])
        func list(_ query: String) async throws -> [String] {
            let page = try await api.send(.GET, "/v1/reports?\(query)", token: token).json()
            let found = (page["reports"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(found == found.sorted(), "pages are in id order")
            return found.sorted()
        }
        // One frozen millisecond: ids are UUIDv7s of the same time, ordered by their random part.
        func sorted(_ picked: [Int]) -> [String] { picked.map { ids[$0] }.sorted() }
        #expect(try await list("status=Weryfikacja") == sorted([0, 1]))
        #expect(try await list("category=3") == sorted([1, 3]))
        #expect(try await list("county=2061") == sorted([0, 1, 4]))
        #expect(try await list("unit=KPP-2002") == [ids[2]])
        #expect(try await list("overdue=read") == sorted([2, 3, 4]))
        #expect(try await list("overdue=verify") == [])
        now.store(1_790_000_000_000 + 6 * 86_400_000, ordering: .relaxed)
        #expect(try await list("overdue=verify") == ids.sorted())
        let first = try await api.send(.GET, "/v1/reports?limit=2", token: token).json()
        let all = ids.sorted()
        #expect((first["next_after"] as? String) == all[1])
        #expect(try await list("limit=2&after=\(all[1])") == [all[2], all[3]])
        #expect(try await api.send(.GET, "/v1/reports?overdue=soon", token: token).code == "invalid_parameter")
        let late = try await api.send(.GET, "/v1/reports/\(ids[1])", token: token).json()
        let deadlines = try #require((late["report"] as? [String: Any])?["deadlines"] as? [String: Any])
        #expect(deadlines["missed"] as? [String] == ["read", "verify"])
        await node.stop()
    }
}
