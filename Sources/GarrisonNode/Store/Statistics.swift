import Foundation
import GarrisonCore

/// What the statistics cover: creation time in `[from, to)`, grouped by `period`; the public variant leaves out
/// garrisons not yet live (pilot) and hidden reports.
public struct StatisticsQuery: Sendable {
    public enum Period: String, Sendable, CaseIterable {
        case day, week, month
    }

    public var fromMillis: Int64
    public var toMillis: Int64
    public var period: Period
    public var publicOnly: Bool

    public init(fromMillis: Int64, toMillis: Int64, period: Period = .month, publicOnly: Bool = false) {
        self.fromMillis = fromMillis
        self.toMillis = toMillis
        self.period = period
        self.publicOnly = publicOnly
    }
}

/// National statistics (DOMAIN.md): counts by garrison, county, category, status and period; the share
/// confirmed; verification against the 2-day read and 5-day verify deadlines per garrison and unit; the
/// month-on-month trend. Pilot garrisons are flagged, and absent from the public variant.
public struct Statistics: Encodable, Sendable {
    public var generatedAt: Int64
    public var from: Int64
    public var to: Int64
    public var period: String
    public var isPublic: Bool
    /// Garrisons left out of this answer (the public variant: not yet live).
    public var excludedGarrisons: [String]
    public var reports: Int
    public var confirmedShare: Double?
    public var garrisons: [GarrisonFigures]
    public var units: [UnitFigures]
    public var byCounty: [Count]
    public var byCategory: [Count]
    public var byStatus: [Count]
    public var byPeriod: [Count]
    public var trend: Trend?

    public struct Count: Encodable, Sendable {
        public let key: String
        public var name: String?
        public var reports: Int
    }

    /// Times from creation to a deadline's event, in hours, and the share of due reports that met it.
    public struct DeadlineFigures: Encodable, Sendable {
        public let medianHours: Double?
        public let p90Hours: Double?
        /// Met in time ÷ (met + missed, counting reports still open past the deadline); nil when none is due yet.
        public let onTimeShare: Double?
        public let measured: Int

        enum CodingKeys: String, CodingKey {
            case measured
            case medianHours = "median_hours"
            case p90Hours = "p90_hours"
            case onTimeShare = "on_time_share"
        }
    }

    public struct GarrisonFigures: Encodable, Sendable {
        public let garrison: String
        public let phase: String?
        public let pilot: Bool
        public let reports: Int
        public let confirmedShare: Double?
        public let read: DeadlineFigures
        public let verify: DeadlineFigures
        /// Hub commit to national apply of the garrison's latest change (freshness), when known.
        public var lagMillis: Int64?

        enum CodingKeys: String, CodingKey {
            case garrison, phase, pilot, reports, read, verify
            case confirmedShare = "confirmed_share"
            case lagMillis = "lag_ms"
        }
    }

    public struct UnitFigures: Encodable, Sendable {
        public let garrison: String
        public let unit: String
        public let reports: Int
        public let read: DeadlineFigures
        public let verify: DeadlineFigures
    }

    public struct Trend: Encodable, Sendable {
        public let month: String
        public let reports: Int
        public let previousMonth: String
        public let previous: Int
        /// (reports − previous) ÷ previous; nil when the previous month had none.
        public let change: Double?

        enum CodingKeys: String, CodingKey {
            case month, reports, previous, change
            case previousMonth = "previous_month"
        }
    }

    enum CodingKeys: String, CodingKey {
        case from, to, period, reports, garrisons, units, trend
        case generatedAt = "generated_at"
        case isPublic = "public"
        case excludedGarrisons = "excluded_garrisons"
        case confirmedShare = "confirmed_share"
        case byCounty = "by_county"
        case byCategory = "by_category"
        case byStatus = "by_status"
        case byPeriod = "by_period"
    }
}

/// One report as the statistics read it.
struct StatisticsRow {
    let garrison: String
    let county: String?
    let category: Int?
    let status: ReportStatus?
    let unit: String?
    let createdMillis: Int64
    let readMillis: Int64?
    let verifiedMillis: Int64?
}

extension Statistics {
    /// Aggregates `rows` (already limited to the query's period and variant).
    static func compute(
        _ rows: [StatisticsRow], query: StatisticsQuery, phases: [GarrisonCode: GarrisonPhase], excluded: [String],
        deadlines: Deadlines, nowMillis: Int64
    ) -> Statistics {
        let calendar = Self.calendar
        func group<Key: Hashable>(_ key: (StatisticsRow) -> Key?) -> [Key: [StatisticsRow]] {
            var groups: [Key: [StatisticsRow]] = [:]
            for row in rows { if let key = key(row) { groups[key, default: []].append(row) } }
            return groups
        }
        func counts(_ key: (StatisticsRow) -> String?, name: (String) -> String? = { _ in nil }) -> [Count] {
            group(key).map { Count(key: $0.key, name: name($0.key), reports: $0.value.count) }.sorted { $0.key < $1.key }
        }
        let catalogue = CategoryCatalogue.standard
        let months = group { Self.key(for: $0.createdMillis, period: .month, calendar: calendar) }
        let lastMonth = Self.key(for: query.toMillis - 1, period: .month, calendar: calendar)
        let previousMonth = Self.key(for: Self.startOfMonth(query.toMillis - 1, calendar: calendar) - 1, period: .month, calendar: calendar)
        let trendNow = months[lastMonth]?.count ?? 0
        let trendBefore = months[previousMonth]?.count ?? 0
        return Statistics(
            generatedAt: nowMillis, from: query.fromMillis, to: query.toMillis, period: query.period.rawValue,
            isPublic: query.publicOnly, excludedGarrisons: excluded, reports: rows.count,
            confirmedShare: Self.confirmedShare(rows),
            garrisons: group { $0.garrison }.map { garrison, rows in
                let phase = phases[GarrisonCode(rawValue: garrison)]
                return GarrisonFigures(
                    garrison: garrison, phase: phase?.phase.rawValue, pilot: phase?.phase == .pilot, reports: rows.count,
                    confirmedShare: Self.confirmedShare(rows),
                    read: Self.deadline(rows, \.readMillis, allowed: deadlines.readMillis, nowMillis: nowMillis),
                    verify: Self.deadline(rows, \.verifiedMillis, allowed: deadlines.verifyMillis, nowMillis: nowMillis))
            }.sorted { $0.garrison < $1.garrison },
            units: group { row in row.unit.map { "\(row.garrison)|\($0)" } }.map { key, rows in
                let parts = key.split(separator: "|")
                return UnitFigures(
                    garrison: String(parts[0]), unit: String(parts[1]), reports: rows.count,
                    read: Self.deadline(rows, \.readMillis, allowed: deadlines.readMillis, nowMillis: nowMillis),
                    verify: Self.deadline(rows, \.verifiedMillis, allowed: deadlines.verifyMillis, nowMillis: nowMillis))
            }.sorted { ($0.garrison, $0.unit) < ($1.garrison, $1.unit) },
            byCounty: counts { $0.county },
            byCategory: counts({ $0.category.map(String.init) }, name: { Int($0).flatMap(catalogue.category)?.name }),
            byStatus: counts { $0.status?.rawValue },
            byPeriod: counts { Self.key(for: $0.createdMillis, period: query.period, calendar: calendar) },
            trend: Trend(
                month: lastMonth, reports: trendNow, previousMonth: previousMonth, previous: trendBefore,
                change: trendBefore == 0 ? nil : Double(trendNow - trendBefore) / Double(trendBefore)))
    }

    /// Confirmed ÷ reports with a verified outcome.
    static func confirmedShare(_ rows: [StatisticsRow]) -> Double? {
        let decided = rows.filter { $0.status?.isVerified == true }
        guard !decided.isEmpty else { return nil }
        return Double(decided.count { $0.status?.isConfirmed == true }) / Double(decided.count)
    }

    static func deadline(
        _ rows: [StatisticsRow], _ event: KeyPath<StatisticsRow, Int64?>, allowed: Int64, nowMillis: Int64
    ) -> DeadlineFigures {
        let durations = rows.compactMap { row in row[keyPath: event].map { $0 - row.createdMillis } }.sorted()
        let onTime = durations.count { $0 <= allowed }
        let missedOpen = rows.count { $0[keyPath: event] == nil && nowMillis - $0.createdMillis > allowed }
        let due = durations.count + missedOpen
        func hours(_ quantile: Double) -> Double? {
            guard !durations.isEmpty else { return nil }
            let index = min(durations.count - 1, Int((Double(durations.count) * quantile).rounded(.up)) - 1)
            return Double(durations[max(0, index)]) / 3_600_000
        }
        return DeadlineFigures(
            medianHours: hours(0.5), p90Hours: hours(0.9), onTimeShare: due == 0 ? nil : Double(onTime) / Double(due),
            measured: durations.count)
    }

    /// Periods follow Polish time (Europe/Warsaw): a report made at 00:30 on the 1st belongs to that month.
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "Europe/Warsaw") ?? .gmt
        return calendar
    }()

    static func key(for millis: Int64, period: StatisticsQuery.Period, calendar: Calendar) -> String {
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        switch period {
        case .day:
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        case .week:
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
            return String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? 0, parts.weekOfYear ?? 0)
        case .month:
            let parts = calendar.dateComponents([.year, .month], from: date)
            return String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0)
        }
    }

    static func startOfMonth(_ millis: Int64, calendar: Calendar) -> Int64 {
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        let start = calendar.date(from: calendar.dateComponents([.year, .month], from: date)) ?? date
        return Int64(start.timeIntervalSince1970 * 1000)
    }
}
