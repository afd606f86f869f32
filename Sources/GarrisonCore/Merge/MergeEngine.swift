/// Applies changes to report states: the one merge the hub, every node and the national node share.
public enum MergeEngine {
    /// The result of applying one change.
    public struct Outcome: Hashable, Sendable {
        /// The state after the change.
        public let state: ReportState
        /// Conflicts the change revealed (writes made without seeing each other, with different values).
        public let conflicts: [ConflictRecord]
        /// Whether the change altered the state (false for a replay or a write that lost everywhere).
        public let changed: Bool
    }

    /// Merges `change` into `current` (nil when the report is new here) and reports the conflicts it revealed.
    public static func apply(_ change: Change, to current: ReportState?, nowMillis: Int64) -> Outcome {
        let incoming = ReportState(change)
        guard let current else { return Outcome(state: incoming, conflicts: [], changed: true) }
        let garrison = current.garrison ?? change.garrison
        var conflicts: [ConflictRecord] = []
        for (field, write) in change.fields.sorted(by: { $0.key < $1.key }) where !field.isBookkeeping {
            guard let existing = current.fields[field], write.value != existing.value,
                concurrent(write.stamp, write.base, existing.stamp, existing.base)
            else { continue }
            let (winner, loser) = write.wins(over: existing) ? (write, existing) : (existing, write)
            conflicts.append(
                ConflictRecord(
                    reportID: change.reportID, garrison: garrison, field: field.rawValue,
                    winner: .init(value: winner.value, stamp: winner.stamp),
                    loser: .init(value: loser.value, stamp: loser.stamp),
                    rule: .lastWriterWins, detectedAtMillis: nowMillis))
        }
        if let write = change.status, let existing = current.status, write.status != existing.status,
            concurrent(write.stamp, write.base, existing.stamp, existing.base)
        {
            let (winner, loser) = write.wins(over: existing) ? (write, existing) : (existing, write)
            conflicts.append(
                ConflictRecord(
                    reportID: change.reportID, garrison: garrison, field: "status",
                    winner: .init(value: .string(winner.status.rawValue), stamp: winner.stamp),
                    loser: .init(value: .string(loser.status.rawValue), stamp: loser.stamp),
                    rule: .statusRegister, detectedAtMillis: nowMillis))
        }
        let merged = current.merged(with: incoming)
        return Outcome(state: merged, conflicts: conflicts, changed: merged != current)
    }

    /// Two writes conflict when neither writer had seen the other: each one's base is older than the other's
    /// stamp. A write whose base is at least the other's stamp was made after it (a causal overwrite).
    static func concurrent(_ stampA: HLC, _ baseA: HLC?, _ stampB: HLC, _ baseB: HLC?) -> Bool {
        guard stampA != stampB else { return false }
        let aSawB = baseA.map { $0 >= stampB } ?? false
        let bSawA = baseB.map { $0 >= stampA } ?? false
        return !aSawB && !bSawA
    }
}
