import Foundation

/// The statistics as one CSV table for people who take figures into a spreadsheet: one row per figure group,
/// the `section` column saying which (total, garrison, unit, county, category, status, period, trend).
enum StatisticsCSV {
    static let header = [
        "section", "garrison", "key", "name", "phase", "pilot", "reports", "confirmed_share", "read_median_h", "read_p90_h",
        "read_on_time_share", "verify_median_h", "verify_p90_h", "verify_on_time_share", "lag_ms", "change",
    ]

    static func render(_ statistics: Statistics) -> String {
        var lines = [header.joined(separator: ",")]
        func row(_ values: [String?]) {
            lines.append(values.map { field($0 ?? "") }.joined(separator: ","))
        }
        func number(_ value: Double?) -> String? { value.map { String(format: "%.4f", $0) } }
        func deadline(_ figures: Statistics.DeadlineFigures) -> [String?] {
            [number(figures.medianHours), number(figures.p90Hours), number(figures.onTimeShare)]
        }
        row(["total", nil, nil, nil, nil, nil, "\(statistics.reports)", number(statistics.confirmedShare)] + Array(repeating: nil, count: 8))
        for garrison in statistics.garrisons {
            row(["garrison", garrison.garrison, garrison.garrison, nil, garrison.phase, garrison.pilot ? "yes" : "no",
                 "\(garrison.reports)", number(garrison.confirmedShare)] + deadline(garrison.read) + deadline(garrison.verify)
                + [garrison.lagMillis.map(String.init), nil])
        }
        for unit in statistics.units {
            row(["unit", unit.garrison, unit.unit, nil, nil, nil, "\(unit.reports)", nil] + deadline(unit.read) + deadline(unit.verify)
                + [nil, nil])
        }
        for (section, counts) in [("county", statistics.byCounty), ("category", statistics.byCategory),
                                  ("status", statistics.byStatus), ("period", statistics.byPeriod)] {
            for count in counts {
                row([section, nil, count.key, count.name, nil, nil, "\(count.reports)"] + Array(repeating: nil, count: 9))
            }
        }
        if let trend = statistics.trend {
            row(["trend", nil, trend.month, "previous \(trend.previousMonth): \(trend.previous)", nil, nil, "\(trend.reports)"]
                + Array(repeating: nil, count: 8) + [number(trend.change)])
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 4180: quoted when it holds a comma, a quote or a line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
