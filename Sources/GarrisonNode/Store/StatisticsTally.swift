import Foundation
import GarrisonCore

/// The sums the statistics are made from, whichever way they were read: from the cells (`NodeStore.statistics`)
/// or from every report row (`NodeStore.statisticsByScan`, the reference). Both end in `assemble`, so the two
/// answers are equal exactly when the sums are.
struct StatisticsTally: Equatable {
    struct UnitKey: Hashable {
        let garrison: String
        /// "" for reports without a unit (counted in their garrison's figures, listed under no unit).
        let unit: String
    }

    struct UnitTally: Equatable {
        var reports = 0
        /// Read and verify times by `StatisticsCells.Histogram` bucket.
        var read: [Int] = []
        var verify: [Int] = []
        /// Reports still unread (unverified) and created before the deadline's reach.
        var unreadMissed = 0
        var unverifiedMissed = 0
    }

    /// Reports by creation day (`yyyymmdd`) and garrison.
    var byDay: [Int: [String: Int]] = [:]
    var byCounty: [String: Int] = [:]
    var byCategory: [String: Int] = [:]
    var statusByGarrison: [String: [String: Int]] = [:]
    var units: [UnitKey: UnitTally] = [:]

    /// Zero counts (a cell added and taken away again) count as absent, so both ways of reading compare equal.
    mutating func normalise() {
        byDay = byDay.mapValues { $0.filter { $0.value != 0 } }.filter { !$0.value.isEmpty }
        byCounty = byCounty.filter { $0.value != 0 }
        byCategory = byCategory.filter { $0.value != 0 }
        statusByGarrison = statusByGarrison.mapValues { $0.filter { $0.value != 0 } }.filter { !$0.value.isEmpty }
        units = units.compactMapValues { tally in
            var tally = tally
            func trim(_ buckets: [Int]) -> [Int] {
                guard let last = buckets.lastIndex(where: { $0 != 0 }) else { return [] }
                return Array(buckets[...last])
            }
            tally.read = trim(tally.read)
            tally.verify = trim(tally.verify)
            let empty = tally.reports == 0 && tally.read.isEmpty && tally.verify.isEmpty && tally.unreadMissed == 0
                && tally.unverifiedMissed == 0
            return empty ? nil : tally
        }
    }
}

extension Statistics {
    /// The answer from the sums of the reports in `[fromMillis, toMillis)` (whole days, `firstDay…lastDay`).
    static func assemble(
        _ tally: StatisticsTally, query: StatisticsQuery, fromMillis: Int64, toMillis: Int64, lastDay: Int,
        phases: [GarrisonCode: GarrisonPhase], excluded: [String], deadlines: Deadlines, nowMillis: Int64
    ) -> Statistics {
        var byGarrison: [String: Int] = [:]
        var byMonth: [Int: Int] = [:]
        var byPeriod: [String: Int] = [:]
        for (day, garrisons) in tally.byDay {
            let reports = garrisons.values.reduce(0, +)
            for (garrison, count) in garrisons { byGarrison[garrison, default: 0] += count }
            byMonth[day / 100, default: 0] += reports
            byPeriod[StatisticsCalendar.key(ofDay: day, period: query.period), default: 0] += reports
        }
        var byStatus: [String: Int] = [:]
        for statuses in tally.statusByGarrison.values {
            for (status, count) in statuses { byStatus[status, default: 0] += count }
        }
        var byGarrisonUnits: [String: StatisticsTally.UnitTally] = [:]
        for (key, unit) in tally.units {
            byGarrisonUnits[key.garrison, default: .init()].add(unit)
        }
        func counts(_ values: [String: Int], name: (String) -> String? = { _ in nil }) -> [Count] {
            values.filter { !$0.key.isEmpty && $0.value != 0 }.map { Count(key: $0.key, name: name($0.key), reports: $0.value) }
                .sorted { $0.key < $1.key }
        }
        let catalogue = CategoryCatalogue.standard
        let lastMonth = lastDay / 100
        let previousMonth = StatisticsCalendar.previousMonth(lastMonth)
        let trendNow = byMonth[lastMonth] ?? 0
        let trendBefore = byMonth[previousMonth] ?? 0
        return Statistics(
            generatedAt: nowMillis, from: fromMillis, to: toMillis, period: query.period.rawValue,
            isPublic: query.publicOnly, excludedGarrisons: excluded, reports: byGarrison.values.reduce(0, +),
            confirmedShare: confirmedShare(byStatus),
            garrisons: byGarrison.filter { $0.value != 0 }.map { garrison, reports in
                let phase = phases[GarrisonCode(rawValue: garrison)]
                let units = byGarrisonUnits[garrison] ?? .init()
                return GarrisonFigures(
                    garrison: garrison, phase: phase?.phase.rawValue, pilot: phase?.phase == .pilot, reports: reports,
                    confirmedShare: confirmedShare(tally.statusByGarrison[garrison] ?? [:]),
                    read: deadline(units.read, missed: units.unreadMissed, allowed: deadlines.readMillis),
                    verify: deadline(units.verify, missed: units.unverifiedMissed, allowed: deadlines.verifyMillis))
            }.sorted { $0.garrison < $1.garrison },
            units: tally.units.filter { !$0.key.unit.isEmpty && $0.value.reports != 0 }.map { key, unit in
                UnitFigures(
                    garrison: key.garrison, unit: key.unit, reports: unit.reports,
                    read: deadline(unit.read, missed: unit.unreadMissed, allowed: deadlines.readMillis),
                    verify: deadline(unit.verify, missed: unit.unverifiedMissed, allowed: deadlines.verifyMillis))
            }.sorted { ($0.garrison, $0.unit) < ($1.garrison, $1.unit) },
            byCounty: counts(tally.byCounty),
            byCategory: counts(tally.byCategory, name: { Int($0).flatMap(catalogue.category)?.name }),
            byStatus: counts(byStatus),
            byPeriod: counts(byPeriod),
            trend: Trend(
                month: StatisticsCalendar.monthKey(lastMonth), reports: trendNow,
                previousMonth: StatisticsCalendar.monthKey(previousMonth), previous: trendBefore,
                change: trendBefore == 0 ? nil : Double(trendNow - trendBefore) / Double(trendBefore)))
    }

    /// Confirmed ÷ reports with a verified outcome.
    static func confirmedShare(_ statuses: [String: Int]) -> Double? {
        var decided = 0
        var confirmed = 0
        for (name, count) in statuses {
            guard let status = ReportStatus(rawValue: name), status.isVerified else { continue }
            decided += count
            if status.isConfirmed { confirmed += count }
        }
        return decided == 0 ? nil : Double(confirmed) / Double(decided)
    }

    /// Median, 90th percentile (nearest rank, as the bucket's upper bound) and on-time share from a histogram;
    /// `missed` reports are still open past the deadline.
    static func deadline(_ buckets: [Int], missed: Int, allowed: Int64) -> DeadlineFigures {
        let measured = buckets.reduce(0, +)
        let allowedBucket = StatisticsCells.Histogram.bucket(allowed)
        let onTime = buckets.prefix(allowedBucket + 1).reduce(0, +)
        func hours(_ quantile: Double) -> Double? {
            guard measured > 0 else { return nil }
            let rank = max(1, min(measured, Int((Double(measured) * quantile).rounded(.up))))
            var seen = 0
            for (bucket, count) in buckets.enumerated() {
                seen += count
                if seen >= rank { return Double(min(bucket, StatisticsCells.Histogram.maxHours)) }
            }
            return nil
        }
        let due = measured + missed
        return DeadlineFigures(
            medianHours: hours(0.5), p90Hours: hours(0.9), onTimeShare: due == 0 ? nil : Double(onTime) / Double(due),
            measured: measured)
    }
}

extension StatisticsTally.UnitTally {
    /// Adds another tally's sums (`sign` -1 subtracts).
    mutating func add(_ other: Self, sign: Int = 1) {
        reports += sign * other.reports
        Self.add(other.read, into: &read, sign: sign)
        Self.add(other.verify, into: &verify, sign: sign)
        unreadMissed += sign * other.unreadMissed
        unverifiedMissed += sign * other.unverifiedMissed
    }

    static func add(_ buckets: [Int], into target: inout [Int], sign: Int) {
        if target.count < buckets.count { target += Array(repeating: 0, count: buckets.count - target.count) }
        for (index, count) in buckets.enumerated() { target[index] += sign * count }
    }
}
