import Foundation
import GRDB
import GarrisonCore

extension NodeStore {
    /// Remembers the garrisons' phases as read from the hub.
    public func savePhases(_ phases: [GarrisonPhase], nowMillis: Int64) throws {
        try pool.write { db in
            for phase in phases {
                try db.execute(
                    sql: """
                        INSERT INTO garrison_phase (garrison, name, wave, phase, read_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (garrison) DO UPDATE SET
                            name = excluded.name, wave = excluded.wave, phase = excluded.phase, read_at = excluded.read_at
                        """,
                    arguments: [phase.garrison.rawValue, phase.name, phase.wave, phase.phase.rawValue, nowMillis])
            }
        }
    }

    /// The garrisons' phases last read from the hub, by garrison (empty before the first read).
    public func phases() throws -> [GarrisonCode: GarrisonPhase] {
        try pool.read { db in
            Dictionary(
                try Row.fetchAll(db, sql: "SELECT garrison, name, wave, phase FROM garrison_phase").compactMap { row in
                    let code = GarrisonCode(rawValue: row["garrison"])
                    guard let phase = RolloutPhase(rawValue: row["phase"]) else { return nil }
                    return (code, GarrisonPhase(garrison: code, name: row["name"], wave: row["wave"], phase: phase))
                },
                uniquingKeysWith: { first, _ in first })
        }
    }
}
