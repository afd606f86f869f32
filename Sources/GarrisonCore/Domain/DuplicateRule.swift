import Foundation

/// When two reports from different garrisons describe the same threat (DOMAIN: the national HQ links
/// cross-border duplicates): the same category, places within `distanceMeters`, creation within `windowMillis`.
/// The later report is linked to the earlier one (`duplicate_of`); no report is deleted.
public struct DuplicateRule: Hashable, Sendable, Codable {
    public var distanceMeters: Double
    public var windowMillis: Int64

    /// 300 m and 72 hours: a threat on a border road or river is reported on both sides within days, while two
    /// different threats of one category rarely sit within a few hundred metres of each other in that time.
    public static let standard = DuplicateRule(distanceMeters: 300, windowMillis: 72 * 3_600_000)

    public init(distanceMeters: Double, windowMillis: Int64) {
        self.distanceMeters = distanceMeters
        self.windowMillis = windowMillis
    }

    /// A report as the rule sees it.
    public struct Candidate: Hashable, Sendable {
        public let id: String
        public let garrison: GarrisonCode
        public let category: Int
        public let location: Coordinate
        public let createdMillis: Int64

        public init(id: String, garrison: GarrisonCode, category: Int, location: Coordinate, createdMillis: Int64) {
            self.id = id
            self.garrison = garrison
            self.category = category
            self.location = location
            self.createdMillis = createdMillis
        }

        /// Earlier first; the id breaks ties, so every replica picks the same original.
        func isBefore(_ other: Candidate) -> Bool { (createdMillis, id) < (other.createdMillis, other.id) }
    }

    /// Whether `a` and `b` are the same threat seen from two garrisons.
    public func matches(_ a: Candidate, _ b: Candidate) -> Bool {
        a.id != b.id && a.garrison != b.garrison && a.category == b.category
            && abs(a.createdMillis - b.createdMillis) <= windowMillis
            && Self.meters(a.location, b.location) <= distanceMeters
    }

    /// Of the reports matching `report`, the one it links to: (the report to link, its original), or nil. The
    /// later of the pair is the duplicate; among several matches the nearest wins, then the earliest.
    public func link(_ report: Candidate, among others: [Candidate]) -> (duplicate: Candidate, original: Candidate)? {
        let matching = others.filter { self.matches(report, $0) }
        guard let nearest = matching.min(by: {
            (Self.meters(report.location, $0.location), $0.createdMillis, $0.id)
                < (Self.meters(report.location, $1.location), $1.createdMillis, $1.id)
        }) else { return nil }
        return report.isBefore(nearest) ? (nearest, report) : (report, nearest)
    }

    /// The great-circle distance in metres (haversine; exact enough at these distances).
    public static func meters(_ a: Coordinate, _ b: Coordinate) -> Double {
        let radius = 6_371_008.8
        let dLat = (b.latitude - a.latitude) * .pi / 180
        let dLon = (b.longitude - a.longitude) * .pi / 180
        let h = sin(dLat / 2) * sin(dLat / 2)
            + cos(a.latitude * .pi / 180) * cos(b.latitude * .pi / 180) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * radius * asin(min(1, sqrt(h)))
    }
}
