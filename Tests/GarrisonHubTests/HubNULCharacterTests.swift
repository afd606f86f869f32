import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GarrisonTestSupport
import Testing

/// Text holding U+0000 is refused at the edge as bad input (422 `invalid_text`, naming the field), never passed
/// to PostgreSQL, which refuses it and would make the hub answer 503 "database unreachable".
@Suite struct HubNULCharacterTests {
    @Test("a citizen's report whose description holds U+0000 is a 422 invalid_text")
    func intakeRefusesNUL() async throws {
        let hub = try await TestHub.start(extra: ["intake.address": "127.0.0.1:0"])
        do {
            let base = "http://127.0.0.1:\(try await hub.hub.boundPort("intake"))"
            var issue = URLRequest(url: URL(string: base + "/v1/public/devices")!)
            issue.httpMethod = "POST"
            let (issued, _) = try await URLSession.shared.data(for: issue)
            let token = try #require((try JSONSerialization.jsonObject(with: issued) as? [String: Any])?["token"] as? String)
            var request = URLRequest(url: URL(string: base + "/v1/public/reports")!)
            request.httpMethod = "POST"
            request.setValue("Device \(token)", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(#"{"device_id":"phone-00aa11bb","category":7,"description":"Dziura\u0000w jezdni","county":"2061"}"#.utf8)
            let (data, response) = try await URLSession.shared.data(for: request)
            let problem = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
            #expect((response as? HTTPURLResponse)?.statusCode == 422 && problem["code"] as? String == "invalid_text", "\(problem)")
        } catch {
            await hub.stop()
            throw error
        }
        await hub.stop()
    }
}
