import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GarrisonCore
import GarrisonHub
import GarrisonHubClient
import GarrisonTestSupport
import Testing

/// The citizens' intake (pillar 3) on a real hub: routed to its garrison's feed, one report per device per day,
/// validated, refused where the map does not cover the garrison yet, the device kept only as a hash.
@Suite(.serialized) struct HubIntakeTests {
    @Test("a citizen's report reaches its garrison's feed; the device's second report today is refused")
    func intake() async throws {
        let hub = try await TestHub.start(extra: ["intake.address": "127.0.0.1:0", "intake.reports_per_device_per_day": "1"])
        do {
            try hub.sql("UPDATE garrisons SET phase = 'planned' WHERE code = '08'")
            let url = URL(string: "http://127.0.0.1:\(try await hub.hub.boundPort("intake"))/v1/public/reports")!
            func submit(_ body: [String: Any]) async throws -> (Int, [String: Any]) {
                var request = URLRequest(url: url)
                request.httpMethod = "POST"
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = try JSONSerialization.data(withJSONObject: body)
                let (data, response) = try await URLSession.shared.data(for: request)
                return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
            }
            let report: [String: Any] = [
                "device_id": "phone-7f3a9c21", "category": 7, "description": "Dzikie wysypisko przy drodze do lasu",
                "location": ["lat": 53.13, "lon": 23.16], "county": "2061",
            ]
            let (status, receipt) = try await submit(report)
            #expect(status == 201 && receipt["garrison"] as? String == "20" && receipt["county"] as? String == "2061", "\(receipt)")
            let id = try #require(receipt["id"] as? String)
            #expect(receipt.count == 3, "the receipt says nothing about who reported")

            let (again, refusal) = try await submit(report)
            #expect(again == 429 && refusal["code"] as? String == "daily_limit")
            var other = report
            other["device_id"] = "phone-0b11e5d4"
            #expect(try await submit(other).0 == 201)

            var planned = other
            planned["device_id"] = "phone-aaaabbbb"
            planned["county"] = "0861"
            let (notYet, notCovered) = try await submit(planned)
            #expect(notYet == 409 && notCovered["code"] as? String == "not_covered_yet")
            var badCategory = other
            badCategory["device_id"] = "phone-ccccdddd"
            badCategory["category"] = 999
            let (invalid, problem) = try await submit(badCategory)
            #expect(invalid == 422, "\(problem)")
            var noCounty = other
            noCounty["device_id"] = "phone-eeeeffff"
            noCounty["county"] = nil
            #expect(try await submit(noCounty).1["code"] as? String == "county_required")

            // In garrison 20's feed, as a pillar-3 report its node pulls like any other.
            let page = try await hub.withClient(try hub.pki.node("20")) { try await $0.pull(cursor: 0, limit: 100) }
            let created = try #require(page.entries.first { $0.change.reportID == id })
            #expect(created.change.fields[.pillar]?.value.stringValue == "citizens_online")
            #expect(try await hub.count("SELECT count(*) FROM reports WHERE garrison = '20'") == 2)
            #expect(try await hub.count("SELECT count(*) FROM reports") == 2, "refused reports stored nothing")
            #expect(try await hub.count("SELECT count(*) FROM intake_devices WHERE device_sha256 LIKE '%phone%'") == 0)
            #expect(try await hub.count("SELECT sum(reports) FROM intake_devices") == 2, "refusals roll the count back")
        } catch {
            await hub.stop()
            throw error
        }
        await hub.stop()
    }
}
