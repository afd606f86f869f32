import Foundation
import GarrisonCore

/// The end of a run: per garrison, what was made and where it arrived; overall, whether anything was lost,
/// applied twice, or left the replicas unequal.
public struct SimulationSummary: Codable, Sendable {
    public struct GarrisonRow: Codable, Sendable {
        public let garrison: String
        public let made: Int
        public let atHub: Int
        public let atNational: Int
        public let conflicts: Int
        public let quarantined: Int
        public let crashes: Int
        public let lagP50Ms: Int64?
        public let lagP99Ms: Int64?

        enum CodingKeys: String, CodingKey {
            case garrison, made, conflicts, quarantined, crashes
            case atHub = "at_hub"
            case atNational = "at_national"
            case lagP50Ms = "lag_p50_ms"
            case lagP99Ms = "lag_p99_ms"
        }
    }

    public let mode: String
    public let seed: UInt64
    public let simulatedSeconds: Int
    public let garrisons: [GarrisonRow]
    public let lost: Int
    public let duplicated: Int
    public let converged: Bool
    /// Replicas that differ from the hub (empty when converged).
    public let divergent: [String]
    public let changesApplied: Int
    public let statusMoves: Int
    public let duplicateLinks: Int
    public let reassignments: Int
    public let lostMessages: Int
    /// Quarantined changes by reason code.
    public let quarantineReasons: [String: Int]
    /// Re-syncs nodes made after finding the hub restored from an older backup.
    public let resyncs: Int
    /// Replicas' reports that differ from the hub only by a change the hub quarantined as `unknown_report` after a
    /// restore (a national edit of a report whose re-sent creation came later), which an administrator sees and
    /// resolves; not silent, so not divergent. Runs without a restore count none.
    public let awaitingAdministrator: Int

    enum CodingKeys: String, CodingKey {
        case mode, seed, garrisons, lost, duplicated, converged, divergent
        case simulatedSeconds = "simulated_seconds"
        case changesApplied = "changes_applied"
        case statusMoves = "status_moves"
        case duplicateLinks = "duplicate_links"
        case reassignments
        case lostMessages = "lost_messages"
        case resyncs
        case quarantineReasons = "quarantine_reasons"
        case awaitingAdministrator = "awaiting_administrator"
    }

    /// One line of JSON.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    /// A table for people.
    public var table: String {
        func cell(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
        }
        var lines = ["garrison   made  at_hub  at_national  conflicts  quarantined  crashes  lag_p50_ms  lag_p99_ms"]
        for row in garrisons {
            lines.append(
                row.garrison.padding(toLength: 8, withPad: " ", startingAt: 0)
                    + cell("\(row.made)", 7) + cell("\(row.atHub)", 8) + cell("\(row.atNational)", 13)
                    + cell("\(row.conflicts)", 11) + cell("\(row.quarantined)", 13) + cell("\(row.crashes)", 9)
                    + cell(row.lagP50Ms.map(String.init) ?? "-", 12) + cell(row.lagP99Ms.map(String.init) ?? "-", 12))
        }
        lines.append(
            "lost=\(lost) duplicated=\(duplicated) converged=\(converged) changes_applied=\(changesApplied) "
                + "status_moves=\(statusMoves) duplicate_links=\(duplicateLinks) reassignments=\(reassignments) "
                + "lost_messages=\(lostMessages) awaiting_administrator=\(awaitingAdministrator)")
        return lines.joined(separator: "\n")
    }
}

extension Simulation {
    func summarize(healTicks: Int) -> SimulationSummary {
        var divergent: [String] = []
        // Only the documented limit is set apart: after a hub restore, a change for a report the hub does not have
        // (yet) is quarantined for an administrator. Anything else that differs is divergence.
        let quarantinedReports = config.hubRestore == nil ? [] : Set(
            hub.quarantined.filter { $0.item.reason.code == .unknownReport }.map(\.item.change.reportID))
        var awaiting: Set<String> = []
        for (code, node) in nodes.sorted(by: { $0.key < $1.key }) {
            let expected = hub.states.values.filter { $0.garrison == code }
            let all = expected.filter { node.states[$0.reportID] != $0 }
            let differing = all.filter { !quarantinedReports.contains($0.reportID) }
            awaiting.formUnion(all.map(\.reportID).filter(quarantinedReports.contains))
            if !differing.isEmpty { divergent.append("node \(code): \(differing.count) reports differ from the hub") }
        }
        let nationalAll = hub.states.values.filter { national.states[$0.reportID] != $0 }
        awaiting.formUnion(nationalAll.map(\.reportID).filter(quarantinedReports.contains))
        let nationalDiffering = nationalAll.filter { !quarantinedReports.contains($0.reportID) }
        if !nationalDiffering.isEmpty || national.states.count != hub.states.count {
            divergent.append("national: \(nationalDiffering.count) reports differ, \(national.states.count) vs \(hub.states.count) held")
        }
        // A failover keeps everything the hub acknowledged: a node that re-syncs for it re-queues its history for
        // nothing (DESIGN §4: told by what the hub acknowledged, never by the timeline).
        let resyncs = ([national] + Array(nodes.values)).map(\.resyncs).reduce(0, +)
        if config.hubRestore == nil, resyncs > 0 {
            divergent.append("\(resyncs) re-syncs without a restore of the hub")
        }
        let rows = config.garrisons.sorted().map { code -> SimulationSummary.GarrisonRow in
            let made = madeFor.filter { $0.value == code }.map(\.key)
            let lags = (national.lagSamples[code] ?? []).sorted()
            return SimulationSummary.GarrisonRow(
                garrison: code.rawValue, made: made.count, atHub: made.filter { hub.states[$0] != nil }.count,
                atNational: made.filter { national.states[$0] != nil }.count,
                conflicts: hub.conflicts.values.filter { $0.garrison == code }.count,
                quarantined: hub.quarantined.filter { $0.garrison == code }.count,
                crashes: nodes[code]?.crashes ?? 0, lagP50Ms: Self.percentile(lags, 0.50),
                lagP99Ms: Self.percentile(lags, 0.99))
        }
        return SimulationSummary(
            mode: "simulation", seed: config.seed, simulatedSeconds: ticks * Int(Self.tickMillis) / 1_000,
            garrisons: rows, lost: madeFor.keys.filter { hub.states[$0] == nil }.count, duplicated: hub.duplicates,
            converged: divergent.isEmpty, divergent: divergent, changesApplied: hub.applied,
            statusMoves: events.statusMoves, duplicateLinks: events.duplicateLinks,
            reassignments: events.reassignments, lostMessages: events.lostMessages,
            quarantineReasons: Dictionary(hub.quarantined.map { ($0.item.reason.code.rawValue, 1) }, uniquingKeysWith: +),
            resyncs: resyncs, awaitingAdministrator: awaiting.count)
    }

    static func percentile(_ sorted: [Int64], _ p: Double) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
}
