import Foundation
import GarrisonCore
import Logging
import PostgresNIO

/// Writes a `BatchApplier.Plan` in two statements whatever its size (DESIGN §5): one for reports, notes,
/// conflicts, quarantine and the node's high-water mark, one for the feed. Arrays travel as parameters and are
/// expanded with `UNNEST`; nothing is written row by row.
struct PlanWriter {
    /// Who the quarantined changes came from.
    struct Sender {
        let principal: Principal
        /// The node's new high-water mark and how many sequences it took, for a node's push.
        var highWater: (ackedThrough: Int64, taken: Int)?
    }

    let registry: GarrisonRegistry
    /// Unsorted keys: jsonb normalises key order itself, and sorting costs a good part of a push's encoding.
    private let encoder = JSONEncoder()

    init(registry: GarrisonRegistry = .standard) {
        self.registry = registry
    }

    /// Writes the plan's states, notes, conflicts, quarantine and high-water mark. Returns the ids of new
    /// reports whose insert found the id taken by a report this tenant cannot see (or one created concurrently):
    /// the caller must roll back and plan again with them marked unavailable.
    func write(
        _ plan: BatchApplier.Plan, current: [String: ReportState], sender: Sender, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Set<String> {
        var inserts = ReportColumns()
        var updates = ReportColumns()
        var moved: (ids: [String], garrisons: [String]) = ([], [])
        var notes: (reports: [String], ids: [String], garrisons: [String], bodies: [String]) = ([], [], [], [])
        for (id, state) in plan.states.sorted(by: { $0.key < $1.key }) {
            let garrison = state.garrison?.rawValue ?? ""
            let before = current[id]
            var lean = state
            lean.notes = [:]
            let json = String(decoding: try encoder.encode(lean), as: UTF8.self)
            if before == nil { inserts.append(id, garrison, json, state) } else { updates.append(id, garrison, json, state) }
            if let old = before?.garrison?.rawValue, old != garrison {
                moved.ids.append(id)
                moved.garrisons.append(garrison)
            }
            for note in state.notes.values where before?.notes[note.id] == nil {
                notes.reports.append(id)
                notes.ids.append(note.id)
                notes.garrisons.append(garrison)
                notes.bodies.append(String(decoding: try encoder.encode(note), as: UTF8.self))
            }
        }
        var conflicts: (ids: [String], garrisons: [String], reports: [String], fields: [String], records: [String], at: [Int64]) =
            ([], [], [], [], [], [])
        for conflict in plan.conflicts {
            conflicts.ids.append(conflict.id)
            conflicts.garrisons.append(conflict.garrison.rawValue)
            conflicts.reports.append(conflict.reportID)
            conflicts.fields.append(conflict.field)
            conflicts.records.append(String(decoding: try encoder.encode(conflict), as: UTF8.self))
            conflicts.at.append(conflict.detectedAtMillis)
        }
        var quarantine: (garrisons: [String], seqs: [Int64], reports: [String], changes: [String], codes: [String], messages: [String]) =
            ([], [], [], [], [], [])
        for item in plan.quarantined {
            quarantine.garrisons.append(quarantineGarrison(item.change, sender: sender.principal, current: current))
            quarantine.seqs.append(item.seq ?? -1)
            // A refused change may hold what PostgreSQL refuses (NUL): its kept copy and reason are scrubbed.
            let kept = item.change.scrubbedForStorage
            quarantine.reports.append(kept.reportID)
            quarantine.changes.append(String(decoding: try encoder.encode(kept), as: UTF8.self))
            quarantine.codes.append(item.reason.code.rawValue.scrubbedForStorage)
            quarantine.messages.append(item.reason.message.scrubbedForStorage)
        }
        let principal = sender.principal
        let hasHighWater = sender.highWater != nil
        let rows = try await connection.query(
            """
            WITH new_reports AS (
              INSERT INTO reports (report_id, garrison, state, status, category, county, created_at_ms)
              SELECT v.id, v.g, v.s::jsonb, NULLIF(v.st, ''), NULLIF(v.cat, ''), NULLIF(v.cty, ''), NULLIF(v.ca, 0)
              FROM UNNEST(\(inserts.ids)::text[], \(inserts.garrisons)::text[], \(inserts.states)::text[],
                          \(inserts.statuses)::text[], \(inserts.categories)::text[], \(inserts.counties)::text[],
                          \(inserts.createdAt)::int8[]) AS v(id, g, s, st, cat, cty, ca)
              ON CONFLICT (report_id) DO NOTHING
              RETURNING report_id
            ), updated AS (
              UPDATE reports r SET garrison = v.g, state = v.s::jsonb, status = NULLIF(v.st, ''),
                     category = NULLIF(v.cat, ''), county = NULLIF(v.cty, ''), created_at_ms = NULLIF(v.ca, 0),
                     updated_at = now()
              FROM UNNEST(\(updates.ids)::text[], \(updates.garrisons)::text[], \(updates.states)::text[],
                          \(updates.statuses)::text[], \(updates.categories)::text[], \(updates.counties)::text[],
                          \(updates.createdAt)::int8[]) AS v(id, g, s, st, cat, cty, ca)
              WHERE r.report_id = v.id
              RETURNING 1
            ), moved_notes AS (
              UPDATE notes n SET garrison = v.g
              FROM UNNEST(\(moved.ids)::text[], \(moved.garrisons)::text[]) AS v(id, g)
              WHERE n.report_id = v.id
              RETURNING 1
            ), new_notes AS (
              INSERT INTO notes (report_id, note_id, garrison, note)
              SELECT v.r, v.id, v.g, v.body::jsonb
              FROM UNNEST(\(notes.reports)::text[], \(notes.ids)::text[], \(notes.garrisons)::text[],
                          \(notes.bodies)::text[]) AS v(r, id, g, body)
              ON CONFLICT DO NOTHING
              RETURNING 1
            ), new_conflicts AS (
              INSERT INTO conflicts (id, garrison, report_id, field, record, detected_at)
              SELECT v.id, v.g, v.r, v.f, v.rec::jsonb, to_timestamp(v.ms / 1000.0)
              FROM UNNEST(\(conflicts.ids)::text[], \(conflicts.garrisons)::text[], \(conflicts.reports)::text[],
                          \(conflicts.fields)::text[], \(conflicts.records)::text[], \(conflicts.at)::int8[])
                   AS v(id, g, r, f, rec, ms)
              ON CONFLICT (id) DO NOTHING
              RETURNING 1
            ), quarantined AS (
              INSERT INTO quarantine (garrison, node_id, role, seq, report_id, change, reason_code, reason_message)
              SELECT NULLIF(v.g, ''), \(principal.site.rawValue), \(principal.role.rawValue), NULLIF(v.seq, -1), v.r,
                     v.c::jsonb, v.code, v.msg
              FROM UNNEST(\(quarantine.garrisons)::text[], \(quarantine.seqs)::int8[], \(quarantine.reports)::text[],
                          \(quarantine.changes)::text[], \(quarantine.codes)::text[], \(quarantine.messages)::text[])
                   AS v(g, seq, r, c, code, msg)
              RETURNING 1
            ), high_water AS (
              UPDATE nodes SET high_water = GREATEST(high_water, \(sender.highWater?.ackedThrough ?? 0)),
                     changes_taken = changes_taken + \(Int64(sender.highWater?.taken ?? 0)), last_seen_at = now()
              WHERE node_id = \(principal.site.rawValue) AND \(hasHighWater)
              RETURNING 1
            )
            SELECT COALESCE(array_agg(report_id), '{}') FROM new_reports
            """, logger: logger)
        var inserted = Set<String>()
        for try await ids in rows.decode([String].self) { inserted.formUnion(ids) }
        return Set(inserts.ids).subtracting(inserted)
    }

    /// Appends the plan's feed entries, positions handed out under each garrison's head lock, and notifies
    /// long-polling pullers at commit.
    func appendFeed(_ plan: BatchApplier.Plan, on connection: PostgresConnection, logger: Logger) async throws {
        guard !plan.feed.isEmpty else { return }
        var counts: [String: Int64] = [:]
        var garrisons: [String] = []
        var ordinals: [Int64] = []
        var reports: [String] = []
        var changes: [String] = []
        for append in plan.feed {
            let garrison = append.garrison.rawValue
            counts[garrison, default: 0] += 1
            garrisons.append(garrison)
            ordinals.append(counts[garrison]!)
            reports.append(append.change.reportID)
            changes.append(String(decoding: try encoder.encode(append.change), as: UTF8.self))
        }
        let heads = counts.keys.sorted()
        if heads.count > 1 {
            // Several garrisons (national and admin writes): lock their heads in one order, so two such
            // transactions never wait on each other in a cycle.
            try await connection.query(
                "SELECT 1 FROM feed_heads WHERE garrison = ANY(\(heads)::text[]) ORDER BY garrison FOR UPDATE",
                logger: logger)
        }
        try await connection.query(
            """
            WITH heads AS (
              UPDATE feed_heads h SET head = h.head + v.n
              FROM UNNEST(\(heads)::text[], \(heads.map { counts[$0]! })::int8[]) AS v(g, n)
              WHERE h.garrison = v.g
              RETURNING h.garrison, h.head AS new_head, v.n
            ), appended AS (
              INSERT INTO feed (garrison, position, report_id, change, committed_at)
              SELECT e.g, heads.new_head - heads.n + e.ordinal, e.r, e.c::jsonb, clock_timestamp()
              FROM UNNEST(\(garrisons)::text[], \(ordinals)::int8[], \(reports)::text[], \(changes)::text[])
                   AS e(g, ordinal, r, c)
              JOIN heads ON heads.garrison = e.g
              RETURNING garrison
            )
            SELECT pg_notify('garrison_feed', g) FROM (SELECT DISTINCT garrison AS g FROM appended) AS touched
            """, logger: logger)
    }

    private func quarantineGarrison(_ change: Change, sender: Principal, current: [String: ReportState]) -> String {
        if let garrison = current[change.reportID]?.garrison { return garrison.rawValue }
        if registry.contains(change.garrison) { return change.garrison.rawValue }
        return sender.garrison?.rawValue ?? ""
    }
}

/// Column arrays for a bulk insert or update of reports.
private struct ReportColumns {
    var ids: [String] = []
    var garrisons: [String] = []
    var states: [String] = []
    var statuses: [String] = []
    var categories: [String] = []
    var counties: [String] = []
    var createdAt: [Int64] = []

    mutating func append(_ id: String, _ garrison: String, _ json: String, _ state: ReportState) {
        ids.append(id)
        garrisons.append(garrison)
        states.append(json)
        statuses.append(state.status?.status.rawValue ?? "")
        categories.append(state[.category]?.intValue.map(String.init) ?? "")
        counties.append(state[.county]?.stringValue ?? "")
        createdAt.append(state[.createdAt]?.intValue ?? 0)
    }
}
