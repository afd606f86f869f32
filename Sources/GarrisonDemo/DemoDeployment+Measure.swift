import Foundation
import GarrisonCore

extension DemoDeployment {
    /// Compares every replica with the hub.
    func measure(_ options: DemoOptions, cutOff: GarrisonCode, started: ContinuousClock.Instant) async throws -> DemoSummary {
        let (nodes, national, inspector, duplicate, conflict) = parts.withLock {
            ($0.nodes, $0.national!, $0.inspector!, $0.duplicate, $0.conflict)
        }
        let hubStates = try await inspector.states()
        let hubCounts = try await inspector.reportCounts()
        let conflicts = try await inspector.conflictCounts()
        let ledgerRows = try await inspector.nodeLedger()
        let nationalHeld = try national.store.reportGarrisons()
        let feeds = (try? await national.api.status()["feeds"] as? [[String: Any]]) ?? []
        var lags: [String: Int64] = [:]
        for feed in feeds {
            if let garrison = feed["garrison"] as? String, let lag = feed["lag_ms"] as? Int { lags[garrison] = Int64(lag) }
        }
        var divergent: [String] = []
        var lost = 0
        var rows: [DemoSummary.Row] = []
        for garrison in options.garrisons {
            let made = ledger.made(in: garrison)
            lost += made.filter { hubStates[$0] == nil || nationalHeld[$0] == nil }.count
            // The garrison's node holds exactly the hub's reports of the garrison, each in the same state.
            let atHub = hubStates.values.filter { $0.garrison == garrison }
            let held = try nodes[garrison]!.store.reportGarrisons().filter { $0.value == garrison.rawValue }
            if held.count != atHub.count { divergent.append("node \(garrison) holds \(held.count) reports, the hub \(atHub.count)") }
            for state in atHub {
                if try nodes[garrison]!.store.report(state.reportID) != state { divergent.append("\(state.reportID) at node \(garrison)") }
                if try national.store.report(state.reportID) != state { divergent.append("\(state.reportID) at the national node") }
            }
            rows.append(DemoSummary.Row(
                garrison: garrison.rawValue, made: made.count, atHub: hubCounts[garrison.rawValue] ?? 0,
                atNational: nationalHeld.values.filter { $0 == garrison.rawValue }.count,
                conflicts: conflicts[garrison.rawValue] ?? 0, lagMillis: lags[garrison.rawValue]))
        }
        // Every change a node queued was taken by the hub: its queue head is the hub's high-water mark for it.
        let highWater = Dictionary(ledgerRows.map { ($0.node, $0.highWater) }) { first, _ in first }
        for node in Array(nodes.values) + [national] {
            let head = try node.store.checkpoint().queueHead
            if head != highWater[node.nodeID] ?? 0 {
                divergent.append("node \(node.nodeID) queued \(head) changes, the hub took \(highWater[node.nodeID] ?? 0)")
            }
        }
        let followed = Set(options.garrisons.map(\.rawValue))
        let extra = nationalHeld.filter { followed.contains($0.value) && hubStates[$0.key] == nil }.count
        if extra > 0 { divergent.append("the national node holds \(extra) reports the hub lacks") }
        // Taken twice: a node's changes the hub counted beyond its high-water mark; a report id stored twice.
        let duplicated = ledgerRows.reduce(0) { $0 + Int(max(0, $1.taken - $1.highWater)) }
            + max(0, hubCounts.values.reduce(0, +) - hubStates.count)
        var summary = DemoSummary(
            garrisons: rows, lost: lost, duplicated: duplicated, converged: divergent.isEmpty,
            divergent: Array(divergent.prefix(5)), durationSeconds: options.duration, convergedAfterSeconds: nil,
            elapsedSeconds: Self.seconds(ContinuousClock.now - started), cutOff: cutOff.rawValue)
        for state in hubStates.values where state.garrison.map({ followed.contains($0.rawValue) }) == true {
            summary.pillars[state[.pillar]?.stringValue ?? "unknown", default: 0] += 1
        }
        if let duplicate { summary.crossBorderDuplicate = try duplicate.check(nodes: nodes, national: national, hub: hubStates) }
        if let conflict {
            let recorded = try await inspector.hasConflict(report: conflict.report, field: "category")
            let final = hubStates[conflict.report]?[.category]?.intValue.map(String.init) ?? "-"
            summary.conflictingEdit = [
                "report": conflict.report, "garrison_set": "\(conflict.garrisonCategory)",
                "national_set": "\(conflict.nationalCategory)", "final": final, "recorded_at_hub": recorded ? "yes" : "no",
            ]
        }
        return summary
    }
}
