import Foundation
import GRDB
import GarrisonCore
@testable import GarrisonNode
import GarrisonSimulation
import Testing

/// The national statistics' pre-aggregated cells against a scan of the raw report rows: after every kind of write
/// (pulled creations and status moves, units changed, reports moved to another garrison, hidden, reclassified)
/// and after the v3 migration rebuilds them, the two must give the same sums and the same answer.
@Suite("Statistics cells")
struct StatisticsCellsTests {
    /// 2026-03-31 10:00 UTC: the reports span January to March, across the change to summer time on 29 March.
    static let now: Int64 = 1_774_951_200_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    /// A garrison node's writes, pulled by the national node as feed pages.
    struct Garrison {
        let code: GarrisonCode
        let counties: [CountyCode]
        var writer: ReportWriter
        var states: [String: ReportState] = [:]
        var position: Int64 = 0
        var page: [FeedEntry] = []

        init(_ code: GarrisonCode, counties: [String]) {
            self.code = code
            self.counties = counties.map { CountyCode($0) }
            writer = ReportWriter(clock: HybridClock(site: SiteID(rawValue: "node-\(code.rawValue)")))
        }

        mutating func emit(_ change: Change, at millis: Int64) {
            states[change.reportID] = MergeEngine.apply(change, to: states[change.reportID], nowMillis: millis).state
            position += 1
            page.append(FeedEntry(position: position, change: change, committedAtMillis: millis))
        }

        mutating func deliver(to store: NodeStore) throws {
            let checkpoint = SyncCheckpoint(lastAcked: 0, queueHead: 0, cursor: position, hub: nil, needsRebase: false)
            _ = try store.perform([.applyPage(entries: page, cursor: position)], checkpoint: checkpoint, feed: code, nowMillis: StatisticsCellsTests.now)
            page = []
        }
    }

    @Test("cells equal the row scan through updates, reassignment, hiding, reclassification and a migration backfill")
    func cellsStayExact() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("garrison-cells-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("national.sqlite").path
        let store = try NodeStore(path: path, principal: Principal(role: .national, site: "national"))
        try store.savePhases([
            GarrisonPhase(garrison: "20", name: "KWP Białystok", wave: 1, phase: .live),
            GarrisonPhase(garrison: "22", name: "KWP Gdańsk", wave: 1, phase: .pilot),
            GarrisonPhase(garrison: "14", name: "KWP z/s w Radomiu", wave: 4, phase: .live),
        ], nowMillis: Self.now)
        var garrisons = [
            Garrison("20", counties: ["2061", "2002", "2010"]), Garrison("22", counties: ["2261", "2201"]),
            Garrison("14", counties: ["1416", "1401"]),
        ]
        var random = SplitMix64(seed: 2026)
        func uniform(_ range: Range<Int64>) -> Int64 { range.lowerBound + Int64(random.next() % UInt64(range.count)) }

        // 1. Reports made over 95 days, read and verified after anything from minutes to three weeks, some never.
        for index in 0..<400 {
            let g = index % garrisons.count
            let created = Self.now - uniform(0..<(95 * Self.day))
            let county = garrisons[g].counties[index % garrisons[g].counties.count]
            let report = ReportWriter.NewReport(
                id: UUIDv7.make(millis: created, using: &random), garrison: garrisons[g].code, county: county,
                category: CategoryMix.draw(using: &random), description: "Zgłoszenie \(index)", pillar: .directContact)
            let creation = garrisons[g].writer.create(report, nowMillis: created)
            garrisons[g].emit(creation, at: created)
            var at = created
            let outcome: ReportStatus = [.potwierdzone, .niepotwierdzone, .zartLubPomylka][index % 3]
            let steps: [(share: Int, status: ReportStatus)] = [(85, .weryfikacja), (80, outcome)]
            for (share, step) in steps {
                at += uniform(1..<(index % 7 == 0 ? 400 : 60)) * Self.hour / 2 + uniform(0..<Self.hour)
                guard Int(random.next() % 100) < share, at < Self.now,
                    let state = garrisons[g].states[report.id],
                    let move = try? garrisons[g].writer.moveStatus(of: state, to: step, nowMillis: at)
                else { break }
                garrisons[g].emit(move, at: at)
            }
        }
        for g in garrisons.indices { try garrisons[g].deliver(to: store) }
        try expectExact(store, "after the creations and status moves")

        // 2. Units change their minds: eliminated, reopened, handed to another unit.
        for g in garrisons.indices {
            for (offset, id) in garrisons[g].states.keys.sorted().enumerated() where offset % 5 == 0 {
                let state = garrisons[g].states[id]!
                let at = Self.now - Self.hour
                let kind = offset / 5 % 3
                let status = state.status?.status
                var change: Change?
                if kind == 0, status == .potwierdzone {
                    change = try? garrisons[g].writer.moveStatus(of: state, to: ReportStatus.wyeliminowane, nowMillis: at)
                } else if kind == 1, let status, status.canReopen {
                    change = try? garrisons[g].writer.moveStatus(of: state, to: ReportStatus.weryfikacja, reopen: true, nowMillis: at)
                } else {
                    let unit: [ReportField: FieldValue] = [.unit: .string("KPP-\(garrisons[g].counties[0].rawValue)")]
                    change = garrisons[g].writer.set(unit, on: state, nowMillis: at)
                }
                if let change { garrisons[g].emit(change, at: at) }
            }
            try garrisons[g].deliver(to: store)
        }
        try expectExact(store, "after eliminations, reopens and unit changes")

        // 3. National writes: reports moved to another garrison, hidden, reclassified, and un-hidden again.
        let ids = try store.reportGarrisons().keys.sorted()
        for (offset, id) in ids.enumerated() where offset % 4 == 0 {
            let fields: [ReportField: FieldValue]
            switch offset / 4 % 4 {
            case 0: fields = [.garrison: .string(try store.report(id)?.garrison == "22" ? "20" : "22")]
            case 1: fields = [.hidden: .bool(true)]
            case 2: fields = [.category: .int(Int64(offset % 24 + 1))]
            default: fields = [.hidden: .bool(true), .garrison: .string("14")]
            }
            _ = try store.commitLocal(reportID: id, author: "KGP", nowMillis: Self.now) { state, writer in
                writer.set(fields, on: state!, nowMillis: Self.now)
            }
        }
        for (offset, id) in ids.enumerated() where offset % 12 == 4 {
            _ = try store.commitLocal(reportID: id, author: "KGP", nowMillis: Self.now) { state, writer in
                writer.set([.hidden: .bool(false)], on: state!, nowMillis: Self.now)
            }
        }
        try expectExact(store, "after reassignments, hiding and reclassification")
        let zero = try store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM stat_day WHERE n <= 0) + (SELECT count(*) FROM stat_month WHERE n <= 0)")
        }
        #expect(zero == 0, "a cell that reaches zero is deleted")

        // 4. The v3 migration's backfill builds the very same cells from the rows.
        let before = try cellRows(store)
        try store.pool.write { db in
            try db.execute(sql: """
                DROP TABLE stat_day; DROP TABLE stat_month; DROP TABLE stat_hist_day; DROP TABLE stat_hist_month;
                DROP INDEX report_unread; DROP INDEX report_unverified;
                DELETE FROM grdb_migrations WHERE identifier = 'v3';
                """)
        }
        let reopened = try NodeStore(path: path, principal: Principal(role: .national, site: "national"))
        let after = try cellRows(reopened)
        #expect(after == before, "the backfill's cells are the maintained cells")
        #expect(!after.isEmpty)
        try expectExact(reopened, "after the backfill")
    }

    /// Cells and scan agree for a spread of ranges (whole months, month parts, a week, one day), periods, the
    /// public variant, one garrison, and several "now"s (the deadline's reach on different days).
    private func expectExact(_ store: NodeStore, _ stage: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ranges: [(Int64, Int64)] = [
            (Self.now - 365 * Self.day, Self.now + 1),
            (Self.now - 80 * Self.day + 5 * Self.hour, Self.now - 20 * Self.day),
            (Self.now - 50 * Self.day, Self.now - 3 * Self.day),
            (Self.now - 7 * Self.day, Self.now - 2 * Self.day - 3 * Self.hour),
            (Self.now - 3 * Self.day, Self.now - 3 * Self.day + 1),
        ]
        for (from, to) in ranges {
            for period in StatisticsQuery.Period.allCases {
                for (publicOnly, garrison) in [(false, nil), (true, nil), (false, "22"), (true, "14")] as [(Bool, GarrisonCode?)] {
                    let query = StatisticsQuery(fromMillis: from, toMillis: to, period: period, publicOnly: publicOnly, garrison: garrison)
                    for now in [Self.now, Self.now - 40 * Self.day + 7 * Self.hour] {
                        let tallies = try store.statisticsTallies(query, nowMillis: now)
                        #expect(tallies.cells == tallies.scan, "\(stage): \(from)…\(to) \(period) public \(publicOnly) \(garrison?.rawValue ?? "all")", sourceLocation: sourceLocation)
                        let cells = try store.statistics(query, nowMillis: now)
                        let scan = try store.statisticsByScan(query, nowMillis: now)
                        #expect(cells == scan, "\(stage)", sourceLocation: sourceLocation)
                    }
                }
            }
        }
        let full = try store.statistics(StatisticsQuery(fromMillis: Self.now - 365 * Self.day, toMillis: Self.now + 1), nowMillis: Self.now)
        let held = try store.reportGarrisons()
        #expect(full.reports == held.count, "\(stage): every report counted once", sourceLocation: sourceLocation)
        #expect(full.garrisons.reduce(0) { $0 + $1.reports } == held.count, sourceLocation: sourceLocation)
    }

    private func cellRows(_ store: NodeStore) throws -> [[DatabaseValue]] {
        try store.pool.read { db in
            var rows: [[DatabaseValue]] = []
            for table in ["stat_day", "stat_month", "stat_hist_day", "stat_hist_month"] {
                rows += try Row.fetchAll(db, sql: "SELECT '\(table)', * FROM \(table) ORDER BY 2, 3, 4, 5, 6").map { Array($0.databaseValues) }
            }
            return rows
        }
    }
}
