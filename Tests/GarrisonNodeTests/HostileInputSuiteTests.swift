import AsyncHTTPClient
import Foundation
import GarrisonCore
import GarrisonHubClient
import GarrisonSimulation
import GarrisonTestSupport
import NIOHTTP1
import Testing

/// Issue 13's hostile-input suite: seeded hostile changes pushed to a real hub over mutual TLS by a node with a
/// valid certificate, hostile JSON bodies, and hostile requests through a node's local API. No answer is a 5xx,
/// every refusal is a 4xx problem+json with a stable code or a quarantine entry, and a canary garrison's data
/// stays as it was and keeps syncing.
@Suite("Hostile-input suite", .serialized, .loadsTheMachine)
struct HostileInputSuiteTests {
    /// Tallies answers by status and code, and fails on anything that breaks the contract.
    struct Tally {
        var statuses: [Int: Int] = [:]
        var codes: [String: Int] = [:]
        var inputs = 0

        mutating func record(_ status: Int, contentType: String?, body: Data, _ what: String) {
            inputs += 1
            statuses[status, default: 0] += 1
            #expect((200..<500).contains(status), "\(what) answered \(status): \(String(decoding: body.prefix(300), as: UTF8.self))")
            guard status >= 400 else { return }
            #expect(contentType == "application/problem+json", "\(what) answered \(status) with \(contentType ?? "no type")")
            let code = ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["code"] as? String ?? ""
            #expect(code.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil, "\(what): code \"\(code)\"")
            codes[code, default: 0] += 1
        }

        var summary: String {
            "\(inputs) inputs; statuses " + statuses.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                + "; codes " + codes.sorted { $0.value > $1.value }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }

    @Test("10,000 hostile changes in 400 pushes, 205 pushes refused whole, 2,000 hostile API requests: no 5xx, stable refusals, the canary unchanged and syncing")
    func suite() async throws {
        let hub = try await TestHub.start()
        let canary = try await TestNode.start(pki: hub.pki, hubURL: hub.baseURL, garrison: "22")
        let target = try await TestNode.start(pki: hub.pki, hubURL: hub.baseURL, garrison: "20")
        do {
            try await attack(hub: hub, canary: canary, target: target)
        } catch {
            await canary.stop(); await target.stop(); await hub.stop()
            throw error
        }
        await canary.stop(); await target.stop(); await hub.stop()
    }

    private func attack(hub: TestHub, canary: TestNode, target: TestNode) async throws {
        for county in ["2261", "2262", "2201"] { _ = try await canary.api.create(token: canary.coordinator, county: county) }
        try await canary.drained()
        let canaryBefore = try await hub.storedStates().filter { $0.value.garrison == "22" }
        #expect(canaryBefore.count == 3)

        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var inputs = HostileInputs(seed: 20_261_201, nowMillis: now)
        var tally = Tally()
        let attacker = try hub.pki.credential(.node, garrison: "20", node: "attacker-20")
        let site = SiteID(rawValue: "attacker-20")
        var writer = ReportWriter(clock: HybridClock(site: site))
        var rejections = 0
        var seq: Int64 = 0
        try await hub.withClient(attacker) { client in
            var foreign = 0
            for batch in 0..<400 {
                var queued: [QueuedChange] = []
                while queued.count < 25 {
                    let base = writer.create(.init(
                        id: inputs.uuid(), garrison: "20", county: CountyCode("2061"), location: Coordinate(latitude: 53.13, longitude: 23.16),
                        category: 16, description: "Zgłoszenie \(batch).\(queued.count)", pillar: .directContact), nowMillis: now)
                    let change = inputs.chance(20) ? base : inputs.mutate(base, sender: site)
                    if change.garrison != "20", GarrisonRegistry.standard.contains(change.garrison) {
                        // Another garrison's: the whole push is refused (403 cross_tenant, counted), as it must be.
                        guard foreign < 200 else { continue }
                        foreign += 1
                        let body = try JSONEncoder().encode(PushRequest(changes: [QueuedChange(seq: seq + 1, change: change)]))
                        let answer = try await client.exchange(.POST, "/v1/sync/push", body: body)
                        tally.record(answer.status, contentType: answer.contentType, body: answer.body, "foreign push")
                        #expect(answer.status == 403 && answer.problemCode == "cross_tenant")
                        continue
                    }
                    queued.append(QueuedChange(seq: seq + Int64(queued.count) + 1, change: change))
                }
                let valid = Array(try JSONEncoder().encode(PushRequest(changes: queued)))
                let body = batch % 40 == 39 ? inputs.json(from: valid) : valid
                let answer = try await client.exchange(.POST, "/v1/sync/push", body: Data(body))
                tally.record(answer.status, contentType: answer.contentType, body: answer.body, "push \(batch)")
                if answer.status == 200, body == valid {
                    let ack = try client.decode(PushAck.self, answer)
                    #expect(ack.ackedThrough == seq + 25, "the hub took the whole batch \(batch)")
                    rejections += ack.rejections.count
                    seq = ack.ackedThrough
                } else if answer.status == 200 {
                    seq = try client.decode(PushAck.self, answer).ackedThrough
                }
            }
            // Envelopes that are wrong as a whole: duplicate and decreasing sequence numbers, too-large numbers.
            for seqs in [[seq + 1, seq + 1], [seq + 2, seq + 1], [Int64.max], [0], [-5]] as [[Int64]] {
                let change = writer.create(.init(
                    id: inputs.uuid(), garrison: "20", county: CountyCode("2061"), category: 16, description: "Koperta",
                    pillar: .directContact), nowMillis: now)
                let body = try JSONEncoder().encode(PushRequest(changes: seqs.map { QueuedChange(seq: $0, change: change) }))
                let answer = try await client.exchange(.POST, "/v1/sync/push", body: body)
                tally.record(answer.status, contentType: answer.contentType, body: answer.body, "envelope \(seqs)")
                #expect(answer.status == 400)
            }
        }
        let pushed = tally.inputs
        print("hostile suite, pushes: \(tally.summary); 10,000 changes in 400 batches, \(rejections) quarantined")
        let quarantined = try await hub.withDatabase { client in
            var count = 0
            for try await value in try await client.query("SELECT count(*)::int8 FROM quarantine WHERE node_id = 'attacker-20'").decode(Int64.self) {
                count = Int(value)
            }
            return count
        }
        #expect(quarantined >= rejections, "every refused change is a quarantine entry")
        #expect(rejections > 5_000, "most hostile changes are refused")
        #expect(tally.statuses[200, default: 0] >= 380, "the batches are taken whole: \(tally.summary)")

        // The units' API of garrison 20's node, with a coordinator's token.
        let existing = try await target.api.create(token: target.coordinator, county: "2061")
        for index in 0..<2_000 {
            let (method, path, body) = hostileRequest(&inputs, index: index, existing: existing)
            let answer = try await target.api.send(method, path, token: index % 50 == 49 ? "gut_forged" : target.coordinator, raw: body)
            tally.record(answer.status, contentType: answer.contentType, body: answer.body, "\(method) \(path.prefix(80))")
        }
        print("hostile suite, all: \(tally.summary)")
        #expect(tally.inputs - pushed == 2_000)

        // The canary garrison: what it had is unchanged at the hub, and it still syncs.
        let canaryAfter = try await hub.storedStates().filter { $0.value.garrison == "22" }
        #expect(canaryAfter == canaryBefore)
        _ = try await canary.api.create(token: canary.coordinator, county: "2263")
        try await canary.drained()
        #expect(try await hub.storedStates().filter { $0.value.garrison == "22" }.count == 4)
        try await target.drained()
    }

    /// A hostile request to the local API: a report with hostile fields, an action with hostile values, or a
    /// hostile id in the path.
    private func hostileRequest(_ inputs: inout HostileInputs, index: Int, existing: String) -> (HTTPMethod, String, Data?) {
        func json(_ object: [String: Any]) -> Data {
            (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{".utf8)
        }
        func anyValue() -> Any {
            switch inputs.below(5) {
            case 0: inputs.string()
            case 1: inputs.integer()
            case 2: [inputs.string()]
            case 3: NSNull()
            default: ["lat": 53.68, "lon": 23.83]
            }
        }
        let id = inputs.chance(70) ? existing : (inputs.string().addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "x")
        switch index % 8 {
        case 0, 1:
            var report: [String: Any] = [
                "county": inputs.pick(["2061", "2099", "2261", "abcd"]), "category": inputs.pick([16, 99, 0, -1]) as Any,
                "description": inputs.string(), "pillar": inputs.pick(["direct_contact", "citizens_online", "x"]),
            ]
            report[inputs.pick(["id", "location", "event_at", "time_of_day", "days_of_week", "unit"])] = anyValue()
            return (.POST, "/v1/reports", json(report))
        case 2: return (.POST, "/v1/reports/\(id)/notes", json(["text": anyValue()]))
        case 3: return (.POST, "/v1/reports/\(id)/card", json(["findings": anyValue(), "actions": inputs.string()]))
        case 4: return (.POST, "/v1/reports/\(id)/status", json(["status": inputs.pick(["Weryfikacja", "Potwierdzone", "Nowe", inputs.string()])]))
        case 5: return (.POST, "/v1/reports/\(id)/\(inputs.pick(["handover", "reopen", "unit"]))", json(["to": anyValue(), "reason": anyValue(), "unit": anyValue()]))
        case 6: return (.GET, "/v1/reports/\(id)", nil)
        default: return (.POST, "/v1/reports", Data(inputs.json(from: Array(json(["county": "2061"])))))
        }
    }
}
