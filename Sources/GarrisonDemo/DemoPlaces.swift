import Foundation
import GarrisonCore

/// Where a garrison's reports are made: its counties (TERYT codes) and, with the counties' GeoJSON, real points
/// inside each county's polygon.
struct DemoPlaces: Sendable {
    struct Place: Sendable {
        let county: CountyCode
        let location: Coordinate?
    }

    let byGarrison: [GarrisonCode: [Place]]

    /// Every county of each garrison by its TERYT code, without a point.
    static func byCode(_ garrisons: [GarrisonCode]) -> DemoPlaces {
        DemoPlaces(byGarrison: Dictionary(uniqueKeysWithValues: garrisons.map { code in
            (code, DemoCounties.of(code).map { Place(county: $0, location: nil) })
        }))
    }

    /// `perGarrison` random points per garrison that the county router places inside a county polygon of it
    /// (sampled over Poland's bounding box and kept by their route, so each county gets points by its area).
    static func fromGeoJSON(path: String, garrisons: [GarrisonCode], perGarrison: Int = 500) throws -> DemoPlaces {
        let router = try CountyRouter.load(geoJSONAt: path)
        let wanted = Set(garrisons)
        var places: [GarrisonCode: [Place]] = [:]
        var random = SystemRandomNumberGenerator()
        let bounds = Coordinate.polandBounds
        var samples = 0
        while samples < 3_000_000, wanted.contains(where: { places[$0, default: []].count < perGarrison }) {
            samples += 1
            let point = Coordinate(
                latitude: Double.random(in: bounds.minLatitude...bounds.maxLatitude, using: &random),
                longitude: Double.random(in: bounds.minLongitude...bounds.maxLongitude, using: &random))
            guard let route = router.route(point).route, route.match == .inside, wanted.contains(route.garrison),
                places[route.garrison, default: []].count < perGarrison
            else { continue }
            places[route.garrison, default: []].append(Place(county: route.county, location: point))
        }
        if let empty = garrisons.first(where: { places[$0, default: []].isEmpty }) {
            throw DemoError("--counties \(path): no point of garrison \(empty) found inside its counties' polygons")
        }
        return DemoPlaces(byGarrison: places)
    }

    func draw(_ garrison: GarrisonCode, using random: inout some RandomNumberGenerator) -> Place {
        byGarrison[garrison]!.randomElement(using: &random)!
    }
}

/// Points on both sides of a border between two garrisons, less than 300 m apart (vertices of the two counties'
/// polygons in `reference/powiaty.geojson`, found once offline): where a cross-border duplicate is filed.
struct BorderCrossing: Sendable {
    let first: (garrison: GarrisonCode, county: CountyCode, location: Coordinate)
    let second: (garrison: GarrisonCode, county: CountyCode, location: Coordinate)

    private static func crossing(_ a: String, _ countyA: String, _ latA: Double, _ lonA: Double,
                                 _ b: String, _ countyB: String, _ latB: Double, _ lonB: Double) -> BorderCrossing {
        BorderCrossing(
            first: (GarrisonCode(rawValue: a), CountyCode(countyA), Coordinate(latitude: latA, longitude: lonA)),
            second: (GarrisonCode(rawValue: b), CountyCode(countyB), Coordinate(latitude: latB, longitude: lonB)))
    }

    static let known: [BorderCrossing] = [
        crossing("20", "2007", 53.0685, 21.9128, "14", "1415", 53.0697, 21.9141),
        crossing("KSP", "1412", 52.2335, 21.8737, "14", "1433", 52.2343, 21.8724),
        crossing("22", "2212", 54.3379, 16.8231, "32", "3213", 54.3379, 16.8229),
        crossing("22", "2202", 53.6015, 17.4664, "04", "0413", 53.6016, 17.4664),
        crossing("04", "0413", 53.4534, 17.3476, "30", "3031", 53.4529, 17.3456),
        crossing("06", "0611", 51.9929, 21.9467, "14", "1426", 51.9925, 21.9447),
        crossing("06", "0602", 50.3541, 22.6694, "18", "1808", 50.3548, 22.6706),
        crossing("10", "1017", 51.0755, 18.6232, "16", "1608", 51.0766, 18.6232),
        crossing("10", "1009", 51.0383, 19.2422, "24", "2404", 51.0368, 19.2431),
        crossing("10", "1007", 51.3075, 20.3650, "26", "2605", 51.3084, 20.3644),
        crossing("10", "1014", 51.6174, 18.3684, "30", "3007", 51.6180, 18.3682),
        crossing("12", "1204", 50.1492, 21.1533, "18", "1803", 50.1476, 21.1524),
        crossing("12", "1208", 50.4342, 19.8446, "24", "2416", 50.4342, 19.8445),
        crossing("14", "1423", 51.2425, 20.6106, "26", "2605", 51.2425, 20.6105),
        crossing("16", "1608", 50.9693, 18.6483, "24", "2406", 50.9690, 18.6483),
    ]

    /// The first known crossing between two of `garrisons`.
    static func between(_ garrisons: [GarrisonCode]) -> BorderCrossing? {
        let set = Set(garrisons)
        return known.first { set.contains($0.first.garrison) && set.contains($0.second.garrison) }
    }
}
