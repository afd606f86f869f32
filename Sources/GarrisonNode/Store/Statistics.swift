import Foundation
import GarrisonCore

/// What the statistics cover: reports created in `[from, to)` widened to whole days of Polish time (the figures
/// are kept per day: the answer's `from` and `to` say the range used), grouped by `period`; optionally one
/// garrison; the public variant leaves out garrisons not yet live (pilot) and hidden reports.
public struct StatisticsQuery: Sendable {
    public enum Period: String, Sendable, CaseIterable {
        case day, week, month
    }

    public var fromMillis: Int64
    public var toMillis: Int64
    public var period: Period
    public var publicOnly: Bool
    /// Only this garrison's reports (a garrison's node only ever counts its own).
    public var garrison: GarrisonCode?

    public init(
        fromMillis: Int64, toMillis: Int64, period: Period = .month, publicOnly: Bool = false, garrison: GarrisonCode? = nil
    ) {
        self.fromMillis = fromMillis
        self.toMillis = toMillis
        self.period = period
        self.publicOnly = publicOnly
        self.garrison = garrison
    }
}

/// National statistics (DOMAIN.md): counts by garrison, county, category, status and period; the share
/// confirmed; verification against the 2-day read and 5-day verify deadlines per garrison and unit; the
/// month-on-month trend. Pilot garrisons are flagged, and absent from the public variant.
///
/// Read and verify times come from histograms of whole hours (`deadline_bucket_hours`): a median or 90th
/// percentile is the upper bound of its hour, at most one hour above the exact time; times beyond
/// `deadline_max_hours` share one bucket and show as that bound. On-time shares are exact (the deadlines are
/// whole hours).
public struct Statistics: Encodable, Equatable, Sendable {
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
    /// The width of the read/verify time histograms' buckets, in hours.
    public var deadlineBucketHours: Int = 1
    /// Times longer than this many hours are counted together (their quantiles show as this bound).
    public var deadlineMaxHours: Int = StatisticsCells.Histogram.maxHours

    public struct Count: Encodable, Equatable, Sendable {
        public let key: String
        public var name: String?
        public var reports: Int
    }

    /// Times from creation to a deadline's event, in hours (bucketed: see `Statistics`), and the share of due
    /// reports that met it.
    public struct DeadlineFigures: Encodable, Equatable, Sendable {
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

    public struct GarrisonFigures: Encodable, Equatable, Sendable {
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

    public struct UnitFigures: Encodable, Equatable, Sendable {
        public let garrison: String
        public let unit: String
        public let reports: Int
        public let read: DeadlineFigures
        public let verify: DeadlineFigures
    }

    public struct Trend: Encodable, Equatable, Sendable {
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
        case deadlineBucketHours = "deadline_bucket_hours"
        case deadlineMaxHours = "deadline_max_hours"
    }
}
