import Foundation
import GarrisonCore
import GarrisonNode

/// The cross-border duplicate: two garrisons' units report the same threat (one category) from both sides of
/// their common border, less than 300 m apart; the national node links the later report to the earlier one by
/// itself, and the link travels back through the hub to the later report's garrison.
struct DuplicateScenario: Sendable {
    let crossing: BorderCrossing
    let first: String
    let second: String

    /// Files both reports through the units' API; the second once the national node holds the first.
    static func file(at crossing: BorderCrossing, nodes: [GarrisonCode: DemoNode], national: DemoNode, ledger: DemoLedger)
        async throws -> DuplicateScenario
    {
        func create(_ side: (garrison: GarrisonCode, county: CountyCode, location: Coordinate)) async throws -> String {
            let node = nodes[side.garrison]!
            let unit = LocalUnit(county: side.county).id
            let answer = try await node.api.post("/v1/reports", token: node.officers[unit] ?? node.coordinator, [
                "county": side.county.rawValue, "category": 12, "pillar": "direct_contact",
                "description": "Zapadnięty przepust pod drogą na granicy powiatów",
                "location": ["lat": side.location.latitude, "lon": side.location.longitude],
            ])
            guard answer.status == 201, let id = answer.object["id"] as? String else {
                throw DemoError("the cross-border report was refused at garrison \(side.garrison): \(answer.status) \(answer.text)")
            }
            ledger.made(id, in: side.garrison)
            return id
        }
        let first = try await create(crossing.first)
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline, try national.store.report(first) == nil {
            try await Task.sleep(for: .milliseconds(100))
        }
        let second = try await create(crossing.second)
        DemoOutput.step("cross-border duplicate filed: \(first) by garrison \(crossing.first.garrison) (county \(crossing.first.county)) "
            + "and \(second) by garrison \(crossing.second.garrison) (county \(crossing.second.county)), category 12, "
            + "\(Int(distance(crossing.first.location, crossing.second.location))) m apart")
        return DuplicateScenario(crossing: crossing, first: first, second: second)
    }

    /// Whether the later report is linked everywhere it is held (the national node, the hub, its garrison's node),
    /// and the earlier one's garrison sees the link from its side (`duplicated_by`) without being a duplicate.
    func check(nodes: [GarrisonCode: DemoNode], national: DemoNode, hub: [String: ReportState]) throws -> [String: Bool] {
        let link = FieldValue.string(first)
        return [
            "national": try national.store.report(second)?[.duplicateOf] == link,
            "hub": hub[second]?[.duplicateOf] == link,
            "garrison_\(crossing.second.garrison.rawValue)": try nodes[crossing.second.garrison]!.store.report(second)?[.duplicateOf] == link,
            "garrison_\(crossing.first.garrison.rawValue)_sees_duplicated_by":
                try nodes[crossing.first.garrison]!.store.report(first).map {
                    $0[.duplicateOf] == nil && $0[.duplicatedBy]?.stringList?.contains(second) == true
                } == true,
        ]
    }

    private static func distance(_ a: Coordinate, _ b: Coordinate) -> Double {
        let dx = (a.longitude - b.longitude) * cos(a.latitude * .pi / 180) * 111_320
        let dy = (a.latitude - b.latitude) * 110_540
        return (dx * dx + dy * dy).squareRoot()
    }
}

/// The conflicting edit: while the garrison is cut off, its voivodeship coordinator corrects a report's category
/// at the node and the national HQ reclassifies the same report at the national node. The category is owned by
/// both on purpose (DESIGN §3); after healing last-writer-wins decides and the hub records the conflict.
///
/// Both edits are written through `NodeStore.commitLocal`, the same durable path as the API's writes: the local
/// API has no category endpoint yet.
struct ConflictScenario: Sendable {
    let garrison: GarrisonCode
    let report: String
    let garrisonCategory: Int
    let nationalCategory: Int

    static func make(garrison: GarrisonCode, node: DemoNode, national: DemoNode, ledger: DemoLedger) async throws -> ConflictScenario? {
        // A report both sides hold: made before the cut, already at the national node.
        guard let id = try ledger.made(in: garrison).first(where: { try national.store.report($0) != nil && node.store.report($0) != nil }),
            let state = try node.store.report(id)
        else { return nil }
        let current = Int(state[.category]?.intValue ?? 9)
        let garrisonCategory = current == 12 ? 23 : 12
        let nationalCategory = current == 23 || garrisonCategory == 23 ? 11 : 23
        let now = { Int64(Date().timeIntervalSince1970 * 1000) }
        let local = try node.store.commitLocal(reportID: id, author: "KWP \(garrison.rawValue) (demo coordinator)", nowMillis: now()) {
            state, writer throws(LocalWriteError) in
            guard let state else { throw LocalWriteError.notFound(id) }
            return writer.set([.category: .int(Int64(garrisonCategory))], on: state, nowMillis: now())
        }
        node.node.worker?.enqueued(through: local.seq)
        try await Task.sleep(for: .milliseconds(20))
        let remote = try national.store.commitLocal(reportID: id, author: "KGP (demo analyst)", nowMillis: now()) {
            state, writer throws(LocalWriteError) in
            guard let state else { throw LocalWriteError.notFound(id) }
            return writer.set([.category: .int(Int64(nationalCategory))], on: state, nowMillis: now())
        }
        national.node.worker?.enqueued(through: remote.seq)
        DemoOutput.step("conflicting edit on \(id): garrison \(garrison) (cut off) sets category \(garrisonCategory), "
            + "the national HQ reclassifies it as \(nationalCategory)")
        return ConflictScenario(garrison: garrison, report: id, garrisonCategory: garrisonCategory, nationalCategory: nationalCategory)
    }
}
