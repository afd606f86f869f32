import Foundation
import GRDB
import GarrisonCore

extension NodeStore {
    /// The statistics of the reports this node holds (every garrison at the national node), read from the
    /// pre-aggregated cells (`StatisticsCells`): a year of a national store is a few thousand cell rows, however
    /// many reports it holds. The range is widened to whole Warsaw days (the answer's `from` and `to`).
    public func statistics(_ query: StatisticsQuery, deadlines: Deadlines = .standard, nowMillis: Int64) throws -> Statistics {
        let scope = try StatisticsScope(query, principal: principal, phases: try phases())
        let tally = try pool.read { db in try Self.tallyFromCells(scope, deadlines: deadlines, nowMillis: nowMillis, db) }
        return scope.assemble(tally, deadlines: deadlines, nowMillis: nowMillis)
    }

    /// The same statistics from every report row in the range: the reference the cells are checked against, and
    /// the benchmark's baseline (this is how the figures were read before the cells).
    public func statisticsByScan(_ query: StatisticsQuery, deadlines: Deadlines = .standard, nowMillis: Int64) throws -> Statistics {
        let scope = try StatisticsScope(query, principal: principal, phases: try phases())
        let tally = try pool.read { db in try Self.tallyByScan(scope, deadlines: deadlines, nowMillis: nowMillis, db) }
        return scope.assemble(tally, deadlines: deadlines, nowMillis: nowMillis)
    }

    /// Stores report states made elsewhere (a national store seeded from an export, the benchmarks' load) without
    /// history or queued changes, through the same row write and cell maintenance as every other write; the cells
    /// are flushed once per call, in the same transaction.
    public func bulkLoad(_ states: [ReportState], nowMillis: Int64) throws {
        try write { db in
            var cells = StatisticsCells.Delta()
            for state in states { try Self.save(state, nowMillis: nowMillis, db, cells: &cells) }
            try cells.flush(db)
        }
    }

    /// Both sums side by side, for tests: the cells' and the rows'.
    func statisticsTallies(_ query: StatisticsQuery, deadlines: Deadlines = .standard, nowMillis: Int64) throws
        -> (cells: StatisticsTally, scan: StatisticsTally)
    {
        let scope = try StatisticsScope(query, principal: principal, phases: try phases())
        return try pool.read { db in
            (try Self.tallyFromCells(scope, deadlines: deadlines, nowMillis: nowMillis, db),
             try Self.tallyByScan(scope, deadlines: deadlines, nowMillis: nowMillis, db))
        }
    }

    // MARK: reading the cells

    static func tallyFromCells(_ scope: StatisticsScope, deadlines: Deadlines, nowMillis: Int64, _ db: Database) throws
        -> StatisticsTally
    {
        var tally = StatisticsTally()
        let (filter, filterArguments) = scope.cellFilter
        // Reports by day and garrison: the periods, the trend and the garrisons' totals.
        let days = try Row.fetchCursor(
            db,
            sql: """
                SELECT period, garrison, \(StatisticsScope.signedCount) FROM stat_day WHERE dim = 0 AND period BETWEEN ? AND ?\(filter)
                GROUP BY period, garrison
                """,
            arguments: [scope.firstDay, scope.lastDay] + filterArguments)
        while let row = try days.next() {
            tally.byDay[row[0], default: [:]][row[1] as String, default: 0] += row[2] as Int
        }
        let pieces = StatisticsCalendar.cover(first: scope.firstDay, last: scope.lastDay)
        try addCounts(
            [.county, .category, .status, .unit], pieces: pieces, filter: scope.cellFilter, into: &tally, db)
        for piece in pieces {
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT kind, garrison, unit, hidden, buckets FROM \(piece.months ? "stat_hist_month" : "stat_hist_day")
                    WHERE kind IN (0, 1) AND period BETWEEN ? AND ?\(filter)
                    """,
                arguments: [piece.lo, piece.hi] + filterArguments)
            while let row = try rows.next() {
                let key = StatisticsTally.UnitKey(garrison: row[1], unit: row[2])
                let sign = (row[3] as Bool) ? -piece.sign : piece.sign
                let data: Data = row[4]
                if (row[0] as Int) == 0 {
                    StatisticsCells.Histogram.add(data, into: &tally.units[key, default: .init()].read, sign: sign)
                } else {
                    StatisticsCells.Histogram.add(data, into: &tally.units[key, default: .init()].verify, sign: sign)
                }
            }
        }
        // Reports still open past a deadline: whole days before the deadline's reach from the cells, the day it
        // falls in from the (few) open rows.
        let deadlineColumns: [(dimension: StatisticsCells.Dimension, allowed: Int64, column: String)] = [
            (.unread, deadlines.readMillis, "read_at"), (.unverified, deadlines.verifyMillis, "verified_at"),
        ]
        for (dimension, allowed, column) in deadlineColumns {
            let reach = nowMillis - allowed
            let reachDay = StatisticsCalendar.day(reach)
            let lastWhole = min(scope.lastDay, StatisticsCalendar.previousDay(reachDay))
            try addCounts(
                [dimension], pieces: StatisticsCalendar.cover(first: scope.firstDay, last: lastWhole), filter: scope.cellFilter,
                into: &tally, db)
            guard reachDay >= scope.firstDay, reachDay <= scope.lastDay else { continue }
            let open = try Row.fetchCursor(
                db,
                sql: """
                    SELECT garrison, coalesce(unit, ''), count(*) FROM report
                    WHERE \(column) IS NULL AND created_at >= ? AND created_at < ?\(scope.rowFilter.0) GROUP BY 1, 2
                    """,
                arguments: [StatisticsCalendar.start(ofDay: reachDay), reach] + scope.rowFilter.1)
            while let row = try open.next() {
                let key = StatisticsTally.UnitKey(garrison: row[0], unit: row[1])
                if dimension == .unread {
                    tally.units[key, default: .init()].unreadMissed += row[2] as Int
                } else {
                    tally.units[key, default: .init()].unverifiedMissed += row[2] as Int
                }
            }
        }
        tally.normalise()
        return tally
    }

    /// Adds the count cells of `dimensions` over `pieces`. The rows are summed here rather than with GROUP BY:
    /// they come in key order already, and SQLite's sort for the grouping cost more than the whole sum.
    private static func addCounts(
        _ dimensions: [StatisticsCells.Dimension], pieces: [StatisticsCalendar.Piece], filter: (String, StatementArguments),
        into tally: inout StatisticsTally, _ db: Database
    ) throws {
        let dims = dimensions.map { String($0.rawValue) }.joined(separator: ",")
        for piece in pieces {
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT dim, garrison, key, hidden, n FROM \(piece.months ? "stat_month" : "stat_day")
                    WHERE dim IN (\(dims)) AND period BETWEEN ? AND ?\(filter.0)
                    """,
                arguments: [piece.lo, piece.hi] + filter.1)
            while let row = try rows.next() {
                let garrison: String = row[1]
                let key: String = row[2]
                let n = ((row[3] as Bool) ? -piece.sign : piece.sign) * (row[4] as Int)
                switch StatisticsCells.Dimension(rawValue: row[0]) {
                case .county: tally.byCounty[key, default: 0] += n
                case .category: tally.byCategory[key, default: 0] += n
                case .status: tally.statusByGarrison[garrison, default: [:]][key, default: 0] += n
                case .unit: tally.units[.init(garrison: garrison, unit: key), default: .init()].reports += n
                case .unread: tally.units[.init(garrison: garrison, unit: key), default: .init()].unreadMissed += n
                case .unverified: tally.units[.init(garrison: garrison, unit: key), default: .init()].unverifiedMissed += n
                case .total, nil: break
                }
            }
        }
    }

    // MARK: reading the rows

    static func tallyByScan(_ scope: StatisticsScope, deadlines: Deadlines, nowMillis: Int64, _ db: Database) throws
        -> StatisticsTally
    {
        var tally = StatisticsTally()
        var days = StatisticsCalendar.DayCache()
        let (filter, filterArguments) = scope.rowFilter
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT \(StatisticsRow.columns) FROM report WHERE created_at >= ? AND created_at < ?\(filter)",
            arguments: [scope.fromMillis, scope.toMillis] + filterArguments)
        while let raw = try rows.next() {
            let row = StatisticsRow(raw)
            guard let created = row.createdMillis else { continue }
            tally.byDay[days.day(created), default: [:]][row.garrison, default: 0] += 1
            tally.byCounty[row.county ?? "", default: 0] += 1
            tally.byCategory[row.category.map(String.init) ?? "", default: 0] += 1
            tally.statusByGarrison[row.garrison, default: [:]][row.status?.rawValue ?? "", default: 0] += 1
            var unit = tally.units[.init(garrison: row.garrison, unit: row.unit ?? ""), default: .init()]
            unit.reports += 1
            if unit.read.isEmpty {
                unit.read = Array(repeating: 0, count: StatisticsCells.Histogram.overflow + 1)
                unit.verify = unit.read
            }
            if let read = row.readMillis {
                unit.read[StatisticsCells.Histogram.bucket(read - created)] += 1
            } else if nowMillis - created > deadlines.readMillis {
                unit.unreadMissed += 1
            }
            if let verified = row.verifiedMillis {
                unit.verify[StatisticsCells.Histogram.bucket(verified - created)] += 1
            } else if nowMillis - created > deadlines.verifyMillis {
                unit.unverifiedMissed += 1
            }
            tally.units[.init(garrison: row.garrison, unit: row.unit ?? "")] = unit
        }
        tally.normalise()
        return tally
    }
}

/// What one statistics answer covers: whole Warsaw days, the garrisons it may count, the public filter.
struct StatisticsScope {
    let query: StatisticsQuery
    let firstDay: Int
    let lastDay: Int
    let fromMillis: Int64
    let toMillis: Int64
    let garrison: GarrisonCode?
    let excluded: [String]
    let phases: [GarrisonCode: GarrisonPhase]

    init(_ query: StatisticsQuery, principal: Principal, phases: [GarrisonCode: GarrisonPhase]) throws {
        guard query.toMillis > query.fromMillis else { throw NodeStoreError("the statistics range is empty") }
        self.query = query
        self.phases = phases
        firstDay = StatisticsCalendar.day(query.fromMillis)
        lastDay = StatisticsCalendar.day(query.toMillis - 1)
        fromMillis = StatisticsCalendar.start(ofDay: firstDay)
        toMillis = StatisticsCalendar.start(ofDay: StatisticsCalendar.nextDay(lastDay))
        // A garrison's node counts only its own garrison, whatever was asked.
        garrison = principal.garrison ?? query.garrison
        // The public variant: only live garrisons (a garrison whose phase is not known yet is left out too).
        excluded = query.publicOnly
            ? GarrisonRegistry.standard.garrisons.map(\.code).filter { phases[$0]?.isPublic != true }.map(\.rawValue) : []
    }

    /// The `AND …` clauses on report rows and their arguments.
    var rowFilter: (String, StatementArguments) {
        let (clauses, arguments) = garrisonFilter
        return (clauses + (query.publicOnly ? " AND hidden = 0" : ""), arguments)
    }

    /// The `AND …` clauses on cells: the public variant reads both `hidden` 0 (every report) and 1 (the hidden
    /// ones, subtracted: `signedCount`), the internal one only `hidden` 0.
    var cellFilter: (String, StatementArguments) {
        let (clauses, arguments) = garrisonFilter
        return (clauses + (query.publicOnly ? "" : " AND hidden = 0"), arguments)
    }

    /// A count cell's sum with the hidden reports' cells taken away.
    static let signedCount = "SUM(CASE hidden WHEN 0 THEN n ELSE -n END)"

    private var garrisonFilter: (String, StatementArguments) {
        var clauses = ""
        var arguments: StatementArguments = []
        if let garrison {
            clauses += " AND garrison = ?"
            arguments += [garrison.rawValue]
        }
        if query.publicOnly, !excluded.isEmpty {
            clauses += " AND garrison NOT IN (\(excluded.map { _ in "?" }.joined(separator: ",")))"
            arguments += StatementArguments(excluded)
        }
        return (clauses, arguments)
    }

    func assemble(_ tally: StatisticsTally, deadlines: Deadlines, nowMillis: Int64) -> Statistics {
        Statistics.assemble(
            tally, query: query, fromMillis: fromMillis, toMillis: toMillis, lastDay: lastDay, phases: phases,
            excluded: excluded, deadlines: deadlines, nowMillis: nowMillis)
    }
}
