import Foundation

/// A calendar day in Polish time (Europe/Warsaw, with its summer time): the day of the intake's daily limits.
///
/// The citizens' rule is "one report a day", and a citizen's day is the Polish one: at 23:30 UTC in summer it is
/// already 01:30 the next day in Warsaw. So the limits are counted per Warsaw day, computed here rather than by
/// the database's `CURRENT_DATE` (the server's zone, UTC in most deployments), and every hub process agrees on it.
struct WarsawDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    let year: Int
    let month: Int
    let day: Int

    /// The Gregorian calendar in Europe/Warsaw; nil when the platform has no such zone (checked at start-up).
    static let calendar: Calendar? = {
        guard let zone = TimeZone(identifier: "Europe/Warsaw") else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }()

    private static var warsaw: Calendar {
        guard let calendar else { preconditionFailure("the time zone Europe/Warsaw is not available") }
        return calendar
    }

    /// The Warsaw day that `date` falls on.
    init(containing date: Date) {
        let parts = Self.warsaw.dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// ISO 8601 (`2026-07-01`), as PostgreSQL reads a `date`.
    var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// The instant this day ends: the next Warsaw midnight (23 or 25 hours after the start on the days the clocks
    /// change).
    var end: Date {
        let start = Self.warsaw.date(from: DateComponents(year: year, month: month, day: day))!
        return Self.warsaw.date(byAdding: .day, value: 1, to: start)!
    }

    /// Whole seconds from `date` until the next Warsaw midnight, at least 1: the `Retry-After` of a daily limit.
    static func secondsUntilNextDay(after date: Date) -> Int {
        let remaining = WarsawDay(containing: date).end.timeIntervalSince(date)
        return max(1, Int(remaining.rounded(.up)))
    }

    static func < (lhs: WarsawDay, rhs: WarsawDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
