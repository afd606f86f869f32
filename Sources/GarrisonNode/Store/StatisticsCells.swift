import Foundation
import GRDB
import GarrisonCore

/// One report as the statistics count it: the `report` columns they read.
struct StatisticsRow: Equatable {
    let garrison: String
    let county: String?
    let category: Int?
    let status: ReportStatus?
    let unit: String?
    let createdMillis: Int64?
    let readMillis: Int64?
    let verifiedMillis: Int64?
    let hidden: Bool

    static let columns = "garrison, county, category, status, unit, created_at, read_at, verified_at, hidden"

    init(_ row: Row) {
        garrison = row["garrison"]
        county = row["county"]
        category = row["category"]
        status = (row["status"] as String?).flatMap(ReportStatus.init(rawValue:))
        unit = row["unit"]
        createdMillis = row["created_at"]
        readMillis = row["read_at"]
        verifiedMillis = row["verified_at"]
        hidden = row["hidden"]
    }

    init(_ state: ReportState) {
        garrison = state.garrison?.rawValue ?? ""
        county = state[.county]?.stringValue
        category = state[.category]?.intValue.map { Int($0) }
        status = state.status?.status
        unit = state[.unit]?.stringValue
        createdMillis = state[.createdAt]?.intValue
        readMillis = state[.readAt]?.intValue
        verifiedMillis = state[.verifiedAt]?.intValue
        hidden = state[.hidden]?.boolValue ?? false
    }
}

/// The pre-aggregated statistics (node schema v3), so national figures over millions of reports read a few
/// thousand rows instead of every report.
///
/// Each report with a creation time counts in two grains, its Warsaw creation day (`stat_day`, `yyyymmdd`) and
/// month (`stat_month`, `yyyymm`), keyed by its garrison and `hidden`: cells with `hidden` 0 count every report,
/// cells with `hidden` 1 count the hidden ones again (the public variant subtracts them):
/// - `stat_day` / `stat_month` `(dim, period, garrison, hidden, key) → n`: one count per `Dimension`;
/// - `stat_hist_day` / `stat_hist_month` `(kind, period, garrison, hidden, unit) → buckets`: histograms of the
///   time from creation to first read (kind 0) and to the verified outcome (kind 1), by `Histogram`'s buckets.
///
/// Every write of a `report` row goes through `NodeStore.save`, which takes the row's old contribution away and
/// adds its new one in the same transaction (`Delta`), so a change of status, category, county, unit, garrison
/// or `hidden` moves the report from its old cells to its new ones.
enum StatisticsCells {
    /// What a count cell counts (`key` says which value; "" when the report has none).
    enum Dimension: Int, CaseIterable {
        case total = 0
        case county = 1
        case category = 2
        case status = 3
        case unit = 4
        /// Reports not read yet, by unit: open past the 2-day deadline once their day is old enough.
        case unread = 5
        /// Reports not verified yet, by unit: open past the 5-day deadline once their day is old enough.
        case unverified = 6
    }

    /// The two grains: day cells for periods and range ends, month cells so a year is a dozen rows per cell.
    enum Grain: CaseIterable {
        case day, month

        var counts: String { self == .day ? "stat_day" : "stat_month" }
        var histograms: String { self == .day ? "stat_hist_day" : "stat_hist_month" }
    }

    /// The deadline histograms: bucket 0 holds times of 0 or less, bucket `i` (1…`maxHours`) times in
    /// `(i-1, i]` hours, the last bucket anything longer. A quantile is answered with its bucket's upper bound,
    /// so it is at most one hour above the exact figure; on-time shares are exact for deadlines of whole hours.
    enum Histogram {
        static let bucketMillis: Int64 = 3_600_000
        /// 14 days: past twice the 5-day verification deadline.
        static let maxHours = 336
        static let overflow = maxHours + 1

        static func bucket(_ durationMillis: Int64) -> Int {
            guard durationMillis > 0 else { return 0 }
            return Int(min(Int64(overflow), (durationMillis + bucketMillis - 1) / bucketMillis))
        }

        /// Counts as stored: a width byte (2 or 4) then little-endian integers of that width, trailing zero buckets
        /// left out. Most cells fit 16 bits, which keeps a day's histogram inside its B-tree page (no overflow page).
        static func encode(_ counts: [Int]) -> Data? {
            guard let last = counts.lastIndex(where: { $0 != 0 }) else { return nil }
            let narrow = counts[...last].allSatisfy { Int16.min <= $0 && $0 <= Int16.max }
            var data = Data(capacity: 1 + (last + 1) * (narrow ? 2 : 4))
            data.append(narrow ? 2 : 4)
            for count in counts[...last] {
                if narrow {
                    withUnsafeBytes(of: Int16(count).littleEndian) { data.append(contentsOf: $0) }
                } else {
                    withUnsafeBytes(of: Int32(truncatingIfNeeded: count).littleEndian) { data.append(contentsOf: $0) }
                }
            }
            return data
        }

        /// Adds stored counts into `counts` (`sign` -1 subtracts).
        static func add(_ data: Data, into counts: inout [Int], sign: Int = 1) {
            if counts.count < overflow + 1 { counts += Array(repeating: 0, count: overflow + 1 - counts.count) }
            data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                guard let width = raw.first.map(Int.init), width == 2 || width == 4 else { return }
                let n = min((raw.count - 1) / width, counts.count)
                for index in 0..<n {
                    let offset = 1 + index * width
                    let value = width == 2
                        ? Int(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
                        : Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                    counts[index] += sign * value
                }
            }
        }
    }

    struct CountKey: Hashable {
        let grain: Grain
        let dim: Dimension
        let period: Int
        let garrison: String
        let hidden: Bool
        let key: String
    }

    struct HistogramKey: Hashable {
        let grain: Grain
        /// 0 read, 1 verify.
        let kind: Int
        let period: Int
        let garrison: String
        let hidden: Bool
        let unit: String
    }

    /// Changes to the cells made by a transaction's report writes, applied (`flush`) before it commits.
    struct Delta {
        var counts: [CountKey: Int] = [:]
        var histograms: [HistogramKey: [Int: Int]] = [:]
        var days = StatisticsCalendar.DayCache()

        var isEmpty: Bool { counts.isEmpty && histograms.isEmpty }

        /// Counts a report in (`sign` 1) or out (-1) of its cells; a report without a creation time counts nowhere.
        mutating func add(_ row: StatisticsRow, sign: Int) {
            guard let created = row.createdMillis else { return }
            let day = days.day(created)
            let unit = row.unit ?? ""
            // Every report counts in the `hidden` 0 cells; a hidden one counts again in the `hidden` 1 cells, which
            // the public variant subtracts. Hidden reports are rare, so both variants read about one row per cell.
            var variants: [(grain: Grain, hidden: Bool)] = [(.day, false), (.month, false)]
            if row.hidden { variants += [(.day, true), (.month, true)] }
            for (grain, hidden) in variants {
                let period = grain == .day ? day : day / 100
                func count(_ dim: Dimension, _ key: String) {
                    counts[CountKey(grain: grain, dim: dim, period: period, garrison: row.garrison, hidden: hidden, key: key), default: 0] += sign
                }
                count(.total, "")
                count(.county, row.county ?? "")
                count(.category, row.category.map(String.init) ?? "")
                count(.status, row.status?.rawValue ?? "")
                count(.unit, unit)
                if row.readMillis == nil { count(.unread, unit) }
                if row.verifiedMillis == nil { count(.unverified, unit) }
                for (kind, event) in [(0, row.readMillis), (1, row.verifiedMillis)] {
                    guard let event else { continue }
                    let key = HistogramKey(grain: grain, kind: kind, period: period, garrison: row.garrison, hidden: hidden, unit: unit)
                    histograms[key, default: [:]][Histogram.bucket(event - created), default: 0] += sign
                }
            }
        }

        /// A report row's move from `old` (nil: a new row) to `new`.
        mutating func move(from old: StatisticsRow?, to new: StatisticsRow) {
            guard old != new else { return }
            if let old { add(old, sign: -1) }
            add(new, sign: 1)
        }

        /// Writes the changes into the cells (inside the caller's transaction) and empties the delta; a cell that
        /// reaches zero is deleted, so the tables hold only what is counted.
        mutating func flush(_ db: Database) throws {
            for (cell, change) in counts where change != 0 {
                let table = cell.grain.counts
                let arguments: StatementArguments = [cell.dim.rawValue, cell.period, cell.garrison, cell.hidden, cell.key]
                try db.cachedStatement(sql: """
                    INSERT INTO \(table) (dim, period, garrison, hidden, key, n) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (dim, period, garrison, hidden, key) DO UPDATE SET n = n + excluded.n
                    """).execute(arguments: arguments + [change])
                if change < 0 {
                    try db.cachedStatement(sql: """
                        DELETE FROM \(table) WHERE dim = ? AND period = ? AND garrison = ? AND hidden = ? AND key = ? AND n = 0
                        """).execute(arguments: arguments)
                }
            }
            for (cell, changes) in histograms where changes.values.contains(where: { $0 != 0 }) {
                let table = cell.grain.histograms
                let arguments: StatementArguments = [cell.kind, cell.period, cell.garrison, cell.hidden, cell.unit]
                var buckets: [Int] = []
                if let stored = try Data.fetchOne(
                    db.cachedStatement(sql: """
                        SELECT buckets FROM \(table) WHERE kind = ? AND period = ? AND garrison = ? AND hidden = ? AND unit = ?
                        """), arguments: arguments)
                {
                    Histogram.add(stored, into: &buckets)
                }
                if buckets.isEmpty { buckets = Array(repeating: 0, count: Histogram.overflow + 1) }
                for (bucket, change) in changes { buckets[bucket] += change }
                if let data = Histogram.encode(buckets) {
                    try db.cachedStatement(sql: """
                        INSERT INTO \(table) (kind, period, garrison, hidden, unit, buckets) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (kind, period, garrison, hidden, unit) DO UPDATE SET buckets = excluded.buckets
                        """).execute(arguments: arguments + [data])
                } else {
                    try db.cachedStatement(sql: """
                        DELETE FROM \(table) WHERE kind = ? AND period = ? AND garrison = ? AND hidden = ? AND unit = ?
                        """).execute(arguments: arguments)
                }
            }
            counts = [:]
            histograms = [:]
        }
    }

    /// The tables (migration v3).
    static let schema = """
        CREATE TABLE stat_day (
            dim INTEGER NOT NULL, period INTEGER NOT NULL, garrison TEXT NOT NULL, hidden INTEGER NOT NULL,
            key TEXT NOT NULL, n INTEGER NOT NULL,
            PRIMARY KEY (dim, period, garrison, hidden, key)
        ) WITHOUT ROWID;
        CREATE TABLE stat_month (
            dim INTEGER NOT NULL, period INTEGER NOT NULL, garrison TEXT NOT NULL, hidden INTEGER NOT NULL,
            key TEXT NOT NULL, n INTEGER NOT NULL,
            PRIMARY KEY (dim, period, garrison, hidden, key)
        ) WITHOUT ROWID;
        CREATE TABLE stat_hist_day (
            kind INTEGER NOT NULL, period INTEGER NOT NULL, garrison TEXT NOT NULL, hidden INTEGER NOT NULL,
            unit TEXT NOT NULL, buckets BLOB NOT NULL,
            PRIMARY KEY (kind, period, garrison, hidden, unit)
        ) WITHOUT ROWID;
        CREATE TABLE stat_hist_month (
            kind INTEGER NOT NULL, period INTEGER NOT NULL, garrison TEXT NOT NULL, hidden INTEGER NOT NULL,
            unit TEXT NOT NULL, buckets BLOB NOT NULL,
            PRIMARY KEY (kind, period, garrison, hidden, unit)
        ) WITHOUT ROWID;
        -- Reports still open on the day their deadline falls are counted from the rows (the cells count whole
        -- days); these keep that read to the few open ones.
        CREATE INDEX report_unread ON report (created_at) WHERE read_at IS NULL;
        CREATE INDEX report_unverified ON report (created_at) WHERE verified_at IS NULL;
        """

    /// Counts every stored report into the cells (migration v3), with the same code every write uses.
    static func backfill(_ db: Database) throws {
        var delta = Delta()
        let rows = try Row.fetchCursor(db, sql: "SELECT \(StatisticsRow.columns) FROM report")
        while let row = try rows.next() {
            delta.add(StatisticsRow(row), sign: 1)
        }
        try delta.flush(db)
    }
}
