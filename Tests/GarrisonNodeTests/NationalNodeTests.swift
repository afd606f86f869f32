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
        let feeds = try await national.api.status()["feeds"] as? [[String: Any]] ?? []
        #expect(feeds.allSatisfy { ($0["lag_ms"] as? Int).map { $0 >= 0 && $0 < 60_000 } == true }, "freshness per garrison: \(feeds)")
        let metrics = String(decoding: try await national.api.send(.GET, "/metrics", token: nil).body, as: UTF8.self)
        #expect(metrics.contains("garrison_national_feed_lag_seconds{feed=\"20\"}"))
        #expect(metrics.contains("garrison_national_feed_behind{feed=\"KSP\"} 0"))
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

    @Test("national actions reach the garrisons: a duplicate link, hiding, and a report moved from 20 to 22")
    func nationalActions() async throws {
        let pki = try TestPKI()
        let hub = try await TestHub.start(pki: pki)
        let node20 = try await TestNode.start(pki: pki, hubURL: hub.baseURL, garrison: "20")
        let node22 = try await TestNode.start(pki: pki, hubURL: hub.baseURL, garrison: "22")
        let national = try await TestNode.start(
            pki: pki, hubURL: hub.baseURL, extra: ["node.role": "national", "national.garrisons": "20,22"])
        let first = try await node20.api.create(token: node20.coordinator, county: "2061")
        let second = try await node22.api.create(token: node22.coordinator, county: "2261")
        try await TestNode.eventually("the national node holds both") { try national.store.reportGarrisons().count == 2 }

        try await national.api.write("/v1/reports/\(second)/duplicate", token: national.coordinator, ["of": first])
        try await national.api.write("/v1/reports/\(second)/hidden", token: national.coordinator, ["hidden": true])
        try await TestNode.eventually("garrison 22 sees the link and the moderation") {
            let state = try node22.store.report(second)
            return state?[.duplicateOf] == .string(first) && state?[.hidden] == .bool(true)
        }
        try await TestNode.eventually("garrison 20 sees the link from its side") {
            try node20.store.report(first)?[.duplicatedBy] == .array([.string(second)])
        }
        let moved = try await national.api.write("/v1/reports/\(first)/reassign", token: national.coordinator, ["garrison": "22"])
        #expect(moved["garrison"] as? String == "22")
        try await TestNode.eventually("the report moved to garrison 22's node") { try node22.store.report(first)?.garrison == "22" }
        try await TestNode.eventually("garrison 20's node knows it left") { try node20.store.report(first)?.garrison == "22" }
        let listed20 = try await node20.api.send(.GET, "/v1/reports", token: node20.coordinator).json()
        #expect((listed20["reports"] as? [[String: Any]])?.isEmpty == true, "a moved report leaves the old garrison's list")
        let again = try await national.api.send(.POST, "/v1/reports/\(first)/reassign", token: national.coordinator, json: ["garrison": "22"])
        #expect(again.status == 409 && again.code == "already_there")
        let local = try await node20.api.send(.POST, "/v1/reports/\(first)/hidden", token: node20.coordinator, json: ["hidden": true])
        #expect(local.status == 403 && local.code == "national_only")
        #expect(throws: NodeStoreError.self) { try node20.store.issueToken(unit: nil, role: .national, label: "x", nowMillis: 1) }
        try await TestNode.eventually("every queue drains") {
            for node in [node20, node22, national] where (try await node.api.status()["queue_depth"] as? Int) != 0 { return false }
            return true
        }
        #expect(try await hub.count("SELECT count(*) FROM quarantine") == 0, "the hub took every national write")
        for node in [node20, node22, national] { await node.stop() }
        await hub.stop()
    }

    @Test("a cross-border duplicate pair is linked by the national node and the later report's garrison sees the link")
    func automaticDuplicateLink() async throws {
        let pki = try TestPKI()
        let hub = try await TestHub.start(pki: pki)
        let node20 = try await TestNode.start(pki: pki, hubURL: hub.baseURL, garrison: "20")
        let node14 = try await TestNode.start(pki: pki, hubURL: hub.baseURL, garrison: "14")
        let national = try await TestNode.start(
            pki: pki, hubURL: hub.baseURL, extra: ["node.role": "national", "national.garrisons": "14,20"])
        func create(_ node: TestNode, county: String, lat: Double, lon: Double, category: Int = 7) async throws -> String {
            let report = try await node.api.write("/v1/reports", token: node.coordinator, [
                "county": county, "category": category, "description": "Zniszczony most na granicy powiatów",
                "pillar": "direct_contact", "location": ["lat": lat, "lon": lon],
            ], expect: 201)
            return try #require(report["id"] as? String)
        }
        let first = try await create(node20, county: "2010", lat: 52.8000, lon: 22.1000)
        try await TestNode.eventually("the national node has the first report") { try national.store.report(first) != nil }
        let second = try await create(node14, county: "1416", lat: 52.8010, lon: 22.1012)
        let elsewhere = try await create(node14, county: "1416", lat: 52.9000, lon: 22.1000)
        let otherCategory = try await create(node14, county: "1416", lat: 52.8001, lon: 22.1001, category: 3)
        try await TestNode.eventually("garrison 14's node sees the link on the later report") {
            try node14.store.report(second)?[.duplicateOf] == .string(first)
        }
        try await TestNode.eventually("the national queue drains") { (try await national.api.status()["queue_depth"] as? Int) == 0 }
        #expect(try national.store.report(elsewhere)?[.duplicateOf] == nil, "1.1 km away is another threat")
        #expect(try national.store.report(otherCategory)?[.duplicateOf] == nil, "another category is another threat")
        #expect(try node20.store.report(first)?[.duplicateOf] == nil, "the original is no duplicate itself")
        try await TestNode.eventually("garrison 20's node sees the link on the original") {
            try node20.store.report(first)?[.duplicatedBy] == .array([.string(second)])
        }
        let history = try national.store.history(second)
        #expect(history.contains { $0.author == "national duplicate matcher" })
        for node in [node20, node14, national] { await node.stop() }
        await hub.stop()
    }

    @Test("national statistics match counts made from the raw reports; the pilot garrison is flagged and left out of the public variant")
    func statistics() async throws {
        let pki = try TestPKI()
        let hub = try await TestHub.start(pki: pki)
        try hub.sql("UPDATE garrisons SET phase = 'pilot' WHERE code = '22'")
        let node20 = try await TestNode.start(pki: pki, hubURL: hub.baseURL, garrison: "20")
        let node22 = try await TestNode.start(pki: pki, hubURL: hub.baseURL, garrison: "22")
        var made: [(node: TestNode, id: String)] = []
        for index in 0..<12 {
            let (node, counties) = index % 3 == 2 ? (node22, ["2261", "2201"]) : (node20, ["2061", "2002", "2010"])
            let id = try await node.api.create(token: node.coordinator, county: counties[index % counties.count], category: [7, 3, 12][index % 3])
            made.append((node, id))
            if index % 2 == 0 {
                try await node.api.write("/v1/reports/\(id)/card", token: node.coordinator, ["findings": "na miejscu"])
                let outcome = index % 4 == 0 ? "Potwierdzone" : "Niepotwierdzone"
                try await node.api.write("/v1/reports/\(id)/status", token: node.coordinator, ["status": outcome])
            }
        }
        let national = try await TestNode.start(
            pki: pki, hubURL: hub.baseURL, extra: ["node.role": "national", "national.garrisons": "20,22"])
        try await TestNode.eventually("the national node has every report in its final state") {
            for (node, id) in made where try national.store.report(id) != node.store.report(id) { return false }
            return try national.store.phases()["22"]?.phase == .pilot
        }
        // Expected figures straight from the garrisons' own stores.
        let raw = try made.map { try #require(try $0.node.store.report($0.id)) }
        func count<Key: Hashable>(_ key: (ReportState) -> Key?) -> [Key: Int] {
            raw.reduce(into: [:]) { counts, state in if let key = key(state) { counts[key, default: 0] += 1 } }
        }
        let full = try await national.api.send(.GET, "/v1/stats", token: national.coordinator).json()
        #expect(full["reports"] as? Int == 12)
        func keyed(_ section: String) -> [String: Int] {
            ((full[section] as? [[String: Any]]) ?? []).reduce(into: [:]) { $0[$1["key"] as! String] = $1["reports"] as? Int }
        }
        #expect(keyed("by_category") == count { $0[.category]?.intValue.map(String.init) })
        #expect(keyed("by_county") == count { $0[.county]?.stringValue })
        #expect(keyed("by_status") == count { $0.status?.status.rawValue })
        let decided = raw.filter { $0.status?.status.isVerified == true }
        let confirmed = decided.filter { $0.status?.status.isConfirmed == true }
        #expect(full["confirmed_share"] as? Double == Double(confirmed.count) / Double(decided.count))
        let garrisons = try #require(full["garrisons"] as? [[String: Any]])
        let pilot = try #require(garrisons.first { $0["garrison"] as? String == "22" })
        #expect(pilot["pilot"] as? Bool == true && pilot["reports"] as? Int == count { $0.garrison?.rawValue }["22"])
        let read20 = try #require(garrisons.first { $0["garrison"] as? String == "20" }?["read"] as? [String: Any])
        #expect(read20["measured"] as? Int == raw.filter { $0.garrison == "20" && $0[.readAt] != nil }.count)
        #expect(read20["on_time_share"] as? Double == 1.0, "every report read so far was read at once")
        // Read times are bucketed by the hour: every report here was read within its first hour.
        #expect(full["deadline_bucket_hours"] as? Int == 1)
        #expect([0.0, 1.0].contains(read20["median_hours"] as? Double ?? -1), "the hour's upper bound (0: read in the same ms)")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let year = StatisticsQuery(fromMillis: now - 365 * 86_400_000, toMillis: now + 1, period: .day)
        #expect(try national.store.statistics(year, nowMillis: now) == national.store.statisticsByScan(year, nowMillis: now),
            "the cells give what a scan of every report row gives")
        let only20 = try await national.api.send(.GET, "/v1/stats?garrison=20", token: national.coordinator).json()
        #expect(only20["reports"] as? Int == count { $0.garrison?.rawValue }["20"])
        #expect(try await national.api.send(.GET, "/v1/stats?garrison=99", token: national.coordinator).code == "invalid_parameter")

        let open = try await national.api.send(.GET, "/v1/public/stats", token: nil).json()
        #expect(open["public"] as? Bool == true)
        #expect(open["excluded_garrisons"] as? [String] == ["22"])
        #expect(open["reports"] as? Int == count { $0.garrison?.rawValue }["20"])
        #expect(((open["garrisons"] as? [[String: Any]]) ?? []).allSatisfy { $0["garrison"] as? String != "22" })

        let csv = try await national.api.send(.GET, "/v1/stats?format=csv&period=day", token: national.coordinator)
        #expect(csv.contentType?.hasPrefix("text/csv") == true)
        let lines = String(decoding: csv.body, as: UTF8.self).split(separator: "\r\n")
        #expect(lines.first?.hasPrefix("section,garrison,key") == true)
        #expect(lines.contains { $0.hasPrefix("garrison,22,22,,pilot,yes,") })
        #expect(try await national.api.send(.GET, "/v1/stats?period=year", token: national.coordinator).code == "invalid_parameter")
        #expect(try await national.api.send(.GET, "/v1/stats", token: nil).status == 401)
        for node in [node20, node22, national] { await node.stop() }
        await hub.stop()
    }

    @Test("a catalogue version published by the national role reaches the hub and every node; reports keep theirs")
    func catalogue() async throws {
        let pki = try TestPKI()
        let hub = try await TestHub.start(pki: pki)
        let node20 = try await TestNode.start(pki: pki, hubURL: hub.baseURL, garrison: "20")
        let national = try await TestNode.start(
            pki: pki, hubURL: hub.baseURL, extra: ["node.role": "national", "national.garrisons": "20"])
        let before = try await node20.api.create(token: node20.coordinator, county: "2061", category: 7)
        let unknown = try await node20.api.send(.POST, "/v1/reports", token: node20.coordinator, json: [
            "county": "2061", "category": 25, "description": "Hulajnogi na chodniku", "pillar": "direct_contact",
        ])
        #expect(unknown.status == 422 && unknown.code == "unknown_category")

        var categories = CategoryCatalogue.standard.categories.map { category -> [String: Any] in
            ["id": category.id, "name": category.name, "visibility": category.visibility.rawValue, "active": category.active]
        }
        let removal = try await national.api.send(.POST, "/v1/catalogue", token: national.coordinator, json: ["categories": Array(categories.dropFirst())])
        #expect(removal.status == 422 && removal.code == "category_removed", "a category is retired, never removed")
        categories.append(["id": 25, "name": "Niebezpieczne hulajnogi elektryczne", "visibility": "always", "active": true])
        let published = try await national.api.write("/v1/catalogue", token: national.coordinator, ["categories": categories], expect: 201)
        #expect(published["version"] as? Int == 2)
        let atHub = try await hub.withClient(pki.node("20")) { try await $0.catalogues() }
        #expect(atHub.map(\.version) == [1, 2] && atHub[1].category(25)?.name == "Niebezpieczne hulajnogi elektryczne")
        #expect(try await node20.api.send(.POST, "/v1/catalogue", token: node20.coordinator, json: ["categories": categories]).code == "national_only")

        try await TestNode.eventually("node 20 adopts version 2") { node20.store.latestCatalogue.version == 2 }
        let after = try await node20.api.write("/v1/reports", token: node20.coordinator, [
            "county": "2061", "category": 25, "description": "Hulajnogi na chodniku", "pillar": "direct_contact",
        ], expect: 201)
        #expect(after["category_version"] as? Int == 2)
        let id = try #require(after["id"] as? String)
        try await TestNode.eventually("the new report reaches the national node") { try national.store.report(id) != nil }
        #expect(try national.store.report(before)?[.categoryVersion] == .int(1), "a report keeps the version it was made under")
        #expect((try await node20.api.status()["rejections"] as? Int) == 0)
        #expect(try await hub.count("SELECT count(*) FROM quarantine") == 0)
        for node in [node20, national] { await node.stop() }
        await hub.stop()
    }
}
