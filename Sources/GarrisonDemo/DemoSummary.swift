import Foundation

/// The outcome of a run: per garrison what was made, what reached the hub and the national node, the conflicts
/// and the national node's lag; overall what was lost or taken twice, and whether every replica equals the hub.
struct DemoSummary: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        let garrison: String
        let made: Int
        let atHub: Int
        let atNational: Int
        let conflicts: Int
        let lagMillis: Int64?

        enum CodingKeys: String, CodingKey {
            case garrison, made, conflicts
            case atHub = "at_hub"
            case atNational = "at_national"
            case lagMillis = "lag_ms"
        }
    }

    var garrisons: [Row]
    /// Reports a node's API acknowledged that the hub or the national node lacks.
    var lost: Int
    /// Changes the hub took more than once (per node: changes taken beyond its high-water mark) plus report ids
    /// stored twice.
    var duplicated: Int
    /// Every node's reports equal the hub's for its garrison, and the national node's equal the hub's.
    var converged: Bool
    /// The first few reports that differ, for people.
    var divergent: [String]
    var durationSeconds: Int
    var convergedAfterSeconds: Double?
    var elapsedSeconds: Double
    var cutOff: String?
    /// Where the cross-border duplicate link was found (nil: no two garrisons of the run share a border).
    var crossBorderDuplicate: [String: Bool]?
    /// The report of the conflicting edit and whether the hub recorded the conflict.
    var conflictingEdit: [String: String]?
    /// The hub's reports of the run by pillar (`police_systems`, `direct_contact`, `citizens_online`).
    var pillars: [String: Int] = [:]

    enum CodingKeys: String, CodingKey {
        case garrisons, lost, duplicated, converged, divergent
        case durationSeconds = "duration_s"
        case convergedAfterSeconds = "converged_after_s"
        case elapsedSeconds = "elapsed_s"
        case cutOff = "cut_off"
        case crossBorderDuplicate = "cross_border_duplicate"
        case conflictingEdit = "conflicting_edit"
        case pillars
    }

    var succeeded: Bool { converged && lost == 0 && duplicated == 0 }

    /// The table for people.
    var table: String {
        func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        var lines = ["garrison   made  at_hub  at_national  conflicts  lag_ms"]
        for row in garrisons {
            lines.append(row.garrison.padding(toLength: 8, withPad: " ", startingAt: 0) + pad("\(row.made)", 7)
                + pad("\(row.atHub)", 8) + pad("\(row.atNational)", 13) + pad("\(row.conflicts)", 11)
                + pad(row.lagMillis.map(String.init) ?? "-", 8))
        }
        lines.append("total   " + pad("\(garrisons.reduce(0) { $0 + $1.made })", 7) + pad("\(garrisons.reduce(0) { $0 + $1.atHub })", 8)
            + pad("\(garrisons.reduce(0) { $0 + $1.atNational })", 13) + pad("\(garrisons.reduce(0) { $0 + $1.conflicts })", 11))
        lines.append("lost \(lost), duplicated \(duplicated), converged \(converged ? "yes" : "NO")"
            + (convergedAfterSeconds.map { String(format: " (%.1f s after the load stopped)", $0) } ?? ""))
        lines.append("pillars at the hub: " + pillars.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        if let cutOff { lines.append("garrison \(cutOff) was cut off for the middle third of the \(durationSeconds) s load") }
        if let duplicate = crossBorderDuplicate {
            lines.append("cross-border duplicate linked: " + duplicate.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value ? "yes" : "NO")" }.joined(separator: ", "))
        } else {
            lines.append("cross-border duplicate: none (no two garrisons of this run share a border; try --garrisons KSP,14,20)")
        }
        if let edit = conflictingEdit {
            lines.append("conflicting edit: " + edit.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if !divergent.isEmpty { lines.append("divergent: " + divergent.joined(separator: "; ")) }
        lines.append(String(format: "(%.1f s in all)", elapsedSeconds))
        return lines.joined(separator: "\n")
    }

    /// One line of JSON.
    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
