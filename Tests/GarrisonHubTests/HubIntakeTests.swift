import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GarrisonCore
@testable import GarrisonHub
import GarrisonHubClient
import GarrisonTestSupport
import Testing

/// The citizens' intake (pillar 3) on a real hub: routed to its garrison's feed, one report per device
/// credential per day, limits per client address behind trusted proxies only, validated, refused where the map
/// does not cover the garrison yet, devices and addresses kept only as hashes.
@Suite(.serialized) struct HubIntakeTests {
    /// The intake as a citizen's app sees it, over loopback.
    struct Intake {
        let base: String

        init(_ hub: TestHub) async throws { base = "http://127.0.0.1:\(try await hub.hub.boundPort("intake"))" }

        struct Answer {
            let status: Int
            let body: [String: Any]
            let headers: [String: String]

            var code: String? { body["code"] as? String }
            /// `Retry-After` in seconds.
            var retryAfter: Int? { headers["retry-after"].flatMap { Int($0) } }
        }

        func post(_ path: String, _ body: [String: Any]? = nil, headers: [String: String] = [:]) async throws -> Answer {
            var request = URLRequest(url: URL(string: base + path)!)
            request.httpMethod = "POST"
            if let body {
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = try JSONSerialization.data(withJSONObject: body)
            }
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            let (data, response) = try await URLSession.shared.data(for: request)
            let http = response as? HTTPURLResponse
            var fields: [String: String] = [:]
            for (name, value) in http?.allHeaderFields ?? [:] { fields["\(name)".lowercased()] = "\(value)" }
            return Answer(
                status: http?.statusCode ?? 0, body: (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:],
                headers: fields)
        }

        /// A new device credential (201 expected).
        func credential(headers: [String: String] = [:]) async throws -> String {
            let answer = try await post("/v1/public/devices", headers: headers)
            try #require(answer.status == 201, "\(answer.status) \(answer.body)")
            return try #require(answer.body["token"] as? String)
        }

        func report(_ body: [String: Any], credential: String?, headers: [String: String] = [:]) async throws -> Answer {
            var headers = headers
            if let credential { headers["Authorization"] = "Device \(credential)" }
            return try await post("/v1/public/reports", body, headers: headers)
        }
    }

    /// A citizen's report in Białystok (county 2061, garrison 20).
    static var report: [String: Any] {
        ["category": 7, "description": "Dzikie wysypisko przy drodze do lasu", "location": ["lat": 53.13, "lon": 23.16], "county": "2061"]
    }

    /// Seconds to the next Warsaw midnight as the hub would say now (give or take the test's own time).
    static func expectRetryAfter(_ answer: Intake.Answer, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = WarsawDay.secondsUntilNextDay(after: Date())
        let told = answer.retryAfter ?? -1
        #expect(told >= 1 && told <= 25 * 3600 && abs(told - expected) <= 60, "Retry-After \(told), expected about \(expected)",
            sourceLocation: sourceLocation)
    }

    static func withHub<T>(_ extra: [String: String], _ body: (TestHub, Intake) async throws -> T) async throws -> T {
        let hub = try await TestHub.start(extra: ["intake.address": "127.0.0.1:0"].merging(extra) { $1 })
        do {
            let result = try await body(hub, try await Intake(hub))
            await hub.stop()
            return result
        } catch {
            await hub.stop()
            throw error
        }
    }

    @Test("the finding: reports from one address with freshly minted device ids stop at the address's daily limit")
    func mintingDevicesDoesNotBypassTheLimit() async throws {
        try await Self.withHub(["intake.reports_per_address_per_day": "5", "intake.credentials_per_address_per_day": "1000"]) { hub, intake in
            // The old attack: a new device_id in the body for every report. Without a credential nothing gets in.
            var forged = Self.report
            forged["device_id"] = "phone-00000001"
            let refused = try await intake.report(forged, credential: nil)
            #expect(refused.status == 401 && refused.code == "credential_required")
            // The field is not the device any more: one credential, a new device_id each time, one report a day.
            let credential = try await intake.credential()
            forged["device_id"] = "phone-00000002"
            #expect(try await intake.report(forged, credential: credential).status == 201)
            forged["device_id"] = "phone-00000003"
            let second = try await intake.report(forged, credential: credential)
            #expect(second.status == 429 && second.code == "daily_limit")
            Self.expectRetryAfter(second)
            // Freshly minted credentials, one per report: the address's limit stops them after 5 a day.
            var statuses: [Int] = []
            var last: Intake.Answer?
            for _ in 0..<20 {
                let answer = try await intake.report(Self.report, credential: try await intake.credential())
                statuses.append(answer.status)
                if answer.status != 201 { last = answer }
            }
            #expect(statuses == Array(repeating: 201, count: 4) + Array(repeating: 429, count: 16), "\(statuses)")
            let limited = try #require(last)
            #expect(limited.code == "address_limit" && limited.body["status"] as? Int == 429)
            Self.expectRetryAfter(limited)
            #expect(try await hub.count("SELECT count(*) FROM reports") == 5)
            #expect(try await hub.count("SELECT sum(count) FROM intake_addresses WHERE purpose = 'reports'") == 5, "refusals are not counted")
            // Counted under the Warsaw day, the address only as a keyed hash.
            let today = WarsawDay(containing: Date()).description
            #expect(try await hub.count("SELECT count(*) FROM intake_addresses WHERE day = '\(today)'") == 2)
            #expect(try await hub.count("SELECT count(*) FROM intake_devices WHERE day = '\(today)'") == 5)
            #expect(try await hub.count("SELECT count(*) FROM intake_addresses WHERE length(address_hash) <> 64") == 0)
        }
    }

    @Test("a citizen's report reaches its garrison's feed; the credential's second report today is refused")
    func intake() async throws {
        try await Self.withHub(["intake.reports_per_device_per_day": "1"]) { hub, intake in
            try hub.sql("UPDATE garrisons SET phase = 'planned' WHERE code = '08'")
            let device = try await intake.credential()
            let first = try await intake.report(Self.report, credential: device)
            #expect(first.status == 201 && first.body["garrison"] as? String == "20" && first.body["county"] as? String == "2061", "\(first.body)")
            let id = try #require(first.body["id"] as? String)
            #expect(first.body.count == 3, "the receipt says nothing about who reported")

            let again = try await intake.report(Self.report, credential: device)
            #expect(again.status == 429 && again.code == "daily_limit")
            Self.expectRetryAfter(again)
            #expect(try await intake.report(Self.report, credential: try await intake.credential()).status == 201)

            var planned = Self.report
            planned["county"] = "0861"
            let notCovered = try await intake.report(planned, credential: try await intake.credential())
            #expect(notCovered.status == 409 && notCovered.code == "not_covered_yet")
            var badCategory = Self.report
            badCategory["category"] = 999
            let invalid = try await intake.report(badCategory, credential: try await intake.credential())
            #expect(invalid.status == 422, "\(invalid.body)")
            var noCounty = Self.report
            noCounty["county"] = nil
            #expect(try await intake.report(noCounty, credential: try await intake.credential()).code == "county_required")

            // In garrison 20's feed, as a pillar-3 report its node pulls like any other.
            let page = try await hub.withClient(try hub.pki.node("20")) { try await $0.pull(cursor: 0, limit: 100) }
            let created = try #require(page.entries.first { $0.change.reportID == id })
            #expect(created.change.fields[.pillar]?.value.stringValue == "citizens_online")
            #expect(try await hub.count("SELECT count(*) FROM reports WHERE garrison = '20'") == 2)
            #expect(try await hub.count("SELECT count(*) FROM reports") == 2, "refused reports stored nothing")
            #expect(try await hub.count("SELECT sum(reports) FROM intake_devices") == 2, "refusals roll the count back")
            #expect(try await hub.count("SELECT count(*) FROM intake_devices WHERE length(device_sha256) <> 64") == 0)
        }
    }

    @Test("a missing, garbled, altered or foreign credential is refused with 401 and a stable code")
    func forgedCredentials() async throws {
        try await Self.withHub([:]) { hub, intake in
            let missing = try await intake.report(Self.report, credential: nil)
            #expect(missing.status == 401 && missing.code == "credential_required" && missing.headers["www-authenticate"] == "Device")
            let bearer = try await intake.report(Self.report, credential: nil, headers: ["Authorization": "Bearer abc"])
            #expect(bearer.status == 401 && bearer.code == "credential_required")
            let genuine = try await intake.credential()
            var altered = Array(genuine)
            altered[40] = altered[40] == "A" ? "B" : "A"
            let foreign = DeviceCredentials(secret: Array("not this hub's secret, but long enough".utf8)).issue().token
            for token in ["garbage", String(altered), foreign, String(repeating: "A", count: 66)] {
                let answer = try await intake.report(Self.report, credential: token)
                #expect(answer.status == 401 && answer.code == "invalid_credential", "\(token): \(answer.status) \(answer.body)")
                #expect(answer.headers["content-type"]?.hasPrefix("application/problem+json") == true)
            }
            #expect(try await intake.report(Self.report, credential: genuine).status == 201)
            #expect(try await hub.count("SELECT count(*) FROM reports") == 1)
        }
    }

    @Test("credentials are issued a few per address per day, then 429 with Retry-After")
    func issuanceIsLimited() async throws {
        try await Self.withHub(["intake.credentials_per_address_per_day": "3"]) { hub, intake in
            var tokens: Set<String> = []
            for _ in 0..<3 { tokens.insert(try await intake.credential()) }
            #expect(tokens.count == 3)
            let fourth = try await intake.post("/v1/public/devices")
            #expect(fourth.status == 429 && fourth.code == "issuance_limit" && fourth.body["token"] == nil)
            Self.expectRetryAfter(fourth)
            #expect(try await hub.count("SELECT sum(count) FROM intake_addresses WHERE purpose = 'credentials'") == 3)
            // The secret was made once and kept in the database, where another hub process finds it.
            #expect(try await hub.count("SELECT count(*) FROM intake_secret") == 1)
        }
    }

    @Test("X-Forwarded-For is ignored from an untrusted peer and honoured from a trusted proxy")
    func forwardedFor() async throws {
        // Untrusted: every request is 127.0.0.1's, whatever it claims.
        try await Self.withHub(["intake.reports_per_address_per_day": "2"]) { _, intake in
            var statuses: [Int] = []
            for n in 1...3 {
                let spoofed = ["X-Forwarded-For": "198.51.100.\(n)", "Forwarded": "for=203.0.113.\(n)"]
                statuses.append(try await intake.report(Self.report, credential: try await intake.credential(), headers: spoofed).status)
            }
            #expect(statuses == [201, 201, 429])
        }
        // Trusted: the loopback is the operator's proxy, and the client is the right-most hop it appended.
        try await Self.withHub([
            "intake.reports_per_address_per_day": "2", "intake.credentials_per_address_per_day": "2",
            "intake.trusted_proxies": "10.0.0.0/8, 127.0.0.1/32,::1",
        ]) { _, intake in
            var phones = 0
            func send(_ forwardedFor: String) async throws -> Int {
                // Each credential from a phone of its own (2 credentials an address a day here).
                phones += 1
                let credential = try await intake.credential(headers: ["X-Forwarded-For": "192.0.2.\(phones)"])
                return try await intake.report(Self.report, credential: credential, headers: ["X-Forwarded-For": forwardedFor]).status
            }
            #expect(try await send("198.51.100.1") == 201)
            #expect(try await send("198.51.100.1") == 201)
            #expect(try await send("198.51.100.1") == 429)
            #expect(try await send("198.51.100.2") == 201, "another client behind the proxy has its own budget")
            // A client's own X-Forwarded-For reaches the proxy and is passed on to the left of what it appends.
            #expect(try await send("203.0.113.50, 198.51.100.1") == 429)
            #expect(try await send("198.51.100.1, 10.0.0.3") == 429, "a second trusted proxy is walked through")
            // Issuance keys on the forwarded client as well, not on the proxy.
            let client = ["X-Forwarded-For": "192.0.2.200"]
            _ = try await intake.credential(headers: client)
            _ = try await intake.credential(headers: client)
            let issued = try await intake.post("/v1/public/devices", headers: client)
            #expect(issued.status == 429 && issued.code == "issuance_limit")
            #expect(try await intake.post("/v1/public/devices", headers: ["X-Forwarded-For": "192.0.2.201"]).status == 201)
        }
    }

    @Test("with boundaries, a county that contradicts the point is 422 county_mismatch naming both")
    func countyMismatch() async throws {
        let counties = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("../shared/reference/powiaty.geojson").standardizedFileURL.path
        try #require(FileManager.default.fileExists(atPath: counties), "the reference counties are at \(counties)")
        try await Self.withHub(["intake.counties": counties, "intake.reports_per_device_per_day": "10"]) { hub, intake in
            let device = try await intake.credential()
            var wrong = Self.report
            wrong["county"] = "1465"
            let mismatch = try await intake.report(wrong, credential: device)
            #expect(mismatch.status == 422 && mismatch.code == "county_mismatch")
            let detail = mismatch.body["detail"] as? String ?? ""
            #expect(detail.contains("2061") && detail.contains("1465"), "\(detail)")
            // Agreeing, or not naming the county at all, routes by the point.
            #expect(try await intake.report(Self.report, credential: device).status == 201)
            var unnamed = Self.report
            unnamed["county"] = nil
            let routed = try await intake.report(unnamed, credential: device)
            #expect(routed.status == 201 && routed.body["county"] as? String == "2061")
            #expect(try await hub.count("SELECT count(*) FROM reports") == 2)
            #expect(try await hub.count("SELECT sum(reports) FROM intake_devices") == 2, "the mismatch was not counted")
        }
    }

    @Test("two hub processes on one database accept each other's credentials and share the counts")
    func severalHubs() async throws {
        try await Self.withHub(["intake.reports_per_address_per_day": "3"]) { first, intakeA in
            let second = try await TestHub.start(
                pki: first.pki, database: (first.cluster, first.database),
                extra: ["intake.address": "127.0.0.1:0", "intake.reports_per_address_per_day": "3"])
            do {
                let intakeB = try await Intake(second)
                let fromA = try await intakeA.credential()
                #expect(try await intakeB.report(Self.report, credential: fromA).status == 201, "B verifies A's credential")
                let again = try await intakeA.report(Self.report, credential: fromA)
                #expect(again.status == 429 && again.code == "daily_limit", "A sees B's count")
                #expect(try await intakeB.report(Self.report, credential: try await intakeB.credential()).status == 201)
                #expect(try await intakeA.report(Self.report, credential: try await intakeA.credential()).status == 201)
                #expect(try await intakeB.report(Self.report, credential: try await intakeA.credential()).code == "address_limit")
                #expect(try await first.count("SELECT count(*) FROM intake_secret") == 1)
            } catch {
                await second.stop()
                throw error
            }
            await second.stop()
        }
    }

    @Test("a configured secret signs the credentials (and none is stored); earlier days' counts are forgotten")
    func configuredSecret() async throws {
        let secret = "0123456789abcdef0123456789abcdef-intake"
        try await Self.withHub(["intake.device_secret": secret]) { hub, intake in
            // A credential made with the configured secret outside the hub is one the hub accepts.
            let outside = DeviceCredentials(secret: Array(secret.utf8)).issue().token
            #expect(try await intake.report(Self.report, credential: outside).status == 201)
            #expect(try await hub.count("SELECT count(*) FROM intake_secret") == 0)
            try hub.sql("INSERT INTO intake_devices VALUES ('old', '2020-01-01', 1)")
            try hub.sql("INSERT INTO intake_addresses VALUES ('reports', 'old', '2020-01-01', 7)")
            try await hub.hub.store.forgetIntakeDevices()
            #expect(try await hub.count("SELECT count(*) FROM intake_devices") == 1, "today's count stays")
            #expect(try await hub.count("SELECT count(*) FROM intake_addresses WHERE day < '2021-01-01'") == 0)
            #expect(try await hub.count("SELECT count(*) FROM intake_addresses") == 1)
        }
    }
}
