import Foundation
import Synchronization

/// The calendar of the statistics: days, weeks and months in Polish time (Europe/Warsaw), so a report made at
/// 00:30 on the 1st belongs to that day and month. Days are kept as `yyyymmdd` integers and months as `yyyymm`
/// (a day's month is `day / 100`): they sort like dates and turn into period keys without a calendar.
enum StatisticsCalendar {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "Europe/Warsaw") ?? .gmt
        return calendar
    }()

    /// The Warsaw day (`yyyymmdd`) of an instant.
    static func day(_ millis: Int64) -> Int {
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(millis) / 1000))
        return (parts.year ?? 0) * 10_000 + (parts.month ?? 0) * 100 + (parts.day ?? 0)
    }

    /// The first instant of a Warsaw day.
    static func start(ofDay day: Int) -> Int64 {
        let components = DateComponents(year: day / 10_000, month: day / 100 % 100, day: day % 100)
        let date = calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// Days in a month of the Gregorian calendar.
    static func daysIn(month: Int) -> Int {
        let year = month / 100
        switch month % 100 {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func lastDay(ofMonth month: Int) -> Int { month * 100 + daysIn(month: month) }

    static func nextMonth(_ month: Int) -> Int { month % 100 == 12 ? (month / 100 + 1) * 100 + 1 : month + 1 }

    static func previousMonth(_ month: Int) -> Int { month % 100 == 1 ? (month / 100 - 1) * 100 + 12 : month - 1 }

    /// The day before `day`.
    static func previousDay(_ day: Int) -> Int {
        day % 100 > 1 ? day - 1 : lastDay(ofMonth: previousMonth(day / 100))
    }

    /// The day after `day`.
    static func nextDay(_ day: Int) -> Int {
        day < lastDay(ofMonth: day / 100) ? day + 1 : nextMonth(day / 100) * 100 + 1
    }

    /// A day's key in a period grouping: `2026-03-07`, `2026-W10`, `2026-03`. Remembered: a year of days by week
    /// is 365 calendar calls, a good part of an answer's time otherwise.
    static func key(ofDay day: Int, period: StatisticsQuery.Period) -> String {
        let slot = day * 4 + (period == .day ? 0 : period == .week ? 1 : 2)
        if let known = keys.withLock({ $0[slot] }) { return known }
        let key = computeKey(ofDay: day, period: period)
        keys.withLock { keys in
            if keys.count > 100_000 { keys.removeAll() }
            keys[slot] = key
        }
        return key
    }

    private static let keys = Mutex<[Int: String]>([:])

    private static func computeKey(ofDay day: Int, period: StatisticsQuery.Period) -> String {
        switch period {
        case .day:
            return String(format: "%04d-%02d-%02d", day / 10_000, day / 100 % 100, day % 100)
        case .month:
            return monthKey(day / 100)
        case .week:
            // Noon of the day: clear of any daylight-saving shift.
            let date = Date(timeIntervalSince1970: Double(start(ofDay: day)) / 1000 + 12 * 3600)
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
            return String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? 0, parts.weekOfYear ?? 0)
        }
    }

    static func monthKey(_ month: Int) -> String { String(format: "%04d-%02d", month / 100, month % 100) }

    /// Remembers the day of each UTC hour: Warsaw's offset from UTC is whole hours, so every instant of one UTC
    /// hour falls on the same Warsaw day. Bulk paths (the backfill, the benchmark's load) avoid a calendar call per
    /// report with it.
    struct DayCache {
        private var days: [Int64: Int] = [:]

        mutating func day(_ millis: Int64) -> Int {
            let hour = millis >= 0 ? millis / 3_600_000 : (millis - 3_599_999) / 3_600_000
            if let day = days[hour] { return day }
            let day = StatisticsCalendar.day(hour * 3_600_000)
            days[hour] = day
            return day
        }
    }

    /// A part of a day range read from the cells: days `lo…hi` of the day table, or months `lo…hi` of the month
    /// table, added (`sign` 1) or taken away (-1).
    struct Piece: Equatable {
        let months: Bool
        let lo: Int
        let hi: Int
        let sign: Int
    }

    /// The days `first…last` as few cell rows as possible: whole months from the month table; a month only partly
    /// in the range from its days, or (when most of it is in) as the month less the days left out.
    static func cover(first: Int, last: Int) -> [Piece] {
        guard first <= last else { return [] }
        var pieces: [Piece] = []
        var month = first / 100
        var wholeRun: (lo: Int, hi: Int)?
        func closeRun() {
            if let run = wholeRun { pieces.append(Piece(months: true, lo: run.lo, hi: run.hi, sign: 1)) }
            wholeRun = nil
        }
        while month <= last / 100 {
            let monthFirst = month * 100 + 1
            let monthLast = lastDay(ofMonth: month)
            let lo = max(first, monthFirst)
            let hi = min(last, monthLast)
            if lo == monthFirst, hi == monthLast {
                wholeRun = (wholeRun?.lo ?? month, month)
            } else {
                closeRun()
                let included = hi - lo + 1
                if included * 2 <= daysIn(month: month) {
                    pieces.append(Piece(months: false, lo: lo, hi: hi, sign: 1))
                } else {
                    pieces.append(Piece(months: true, lo: month, hi: month, sign: 1))
                    if lo > monthFirst { pieces.append(Piece(months: false, lo: monthFirst, hi: lo - 1, sign: -1)) }
                    if hi < monthLast { pieces.append(Piece(months: false, lo: hi + 1, hi: monthLast, sign: -1)) }
                }
            }
            month = nextMonth(month)
        }
        closeRun()
        return pieces
    }
}
