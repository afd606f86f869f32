import Foundation
@testable import GarrisonCore
import Testing

/// Real places on the reference map (coordinates checked against the file with an independent ray-casting script).
@Suite struct CountyRouterRealPlacesTests {
    struct Place: Sendable, CustomTestStringConvertible {
        let name: String
        let latitude: Double
        let longitude: Double
        let county: String
        let garrison: GarrisonCode
        let unit: String

        init(
            _ name: String, _ latitude: Double, _ longitude: Double, county: String, garrison: GarrisonCode,
            unit: String
        ) {
            (self.name, self.latitude, self.longitude) = (name, latitude, longitude)
            (self.county, self.garrison, self.unit) = (county, garrison, unit)
        }

        var testDescription: String { name }
    }

    static let places: [Place] = [
        Place("Piaseczno", 52.0814, 21.0237, county: "1418", garrison: .ksp, unit: "KPP-1418"),
        Place("Radom", 51.4027, 21.1471, county: "1463", garrison: "14", unit: "KMP-1463"),
        Place("Warsaw", 52.2297, 21.0122, county: "1465", garrison: .ksp, unit: "KRP-1465"),
        Place("Białystok", 53.1325, 23.1688, county: "2061", garrison: "20", unit: "KMP-2061"),
        Place("Gdańsk", 54.352, 18.6466, county: "2261", garrison: "22", unit: "KMP-2261"),
        Place("Kraków", 50.0614, 19.9366, county: "1261", garrison: "12", unit: "KMP-1261"),
    ]

    @Test("A real place routes to its county, garrison and unit", arguments: places)
    func realPlace(_ place: Place) throws {
        let router = try RoutingReferenceData.router()
        let point = Coordinate(latitude: place.latitude, longitude: place.longitude)
        let route = try #require(router.route(point).route, "\(place.name) did not route")
        #expect(route.county == CountyCode(place.county))
        #expect(route.garrison == place.garrison)
        #expect(route.unit.id == place.unit)
        #expect(route.match == .inside)
        #expect(route.countyName == router.county(CountyCode(place.county))?.name)
        #expect(route.distanceMeters == nil && route.alternatives.isEmpty)
        #expect(router.routeByLinearScan(point) == .routed(route))
    }

    @Test(
        "A place abroad or at sea is outside Poland",
        arguments: [("Berlin", 52.52, 13.405), ("Prague", 50.0755, 14.4378), ("Baltic offshore", 55.5, 18.0)])
    func outside(_ name: String, _ latitude: Double, _ longitude: Double) throws {
        let router = try RoutingReferenceData.router()
        let point = Coordinate(latitude: latitude, longitude: longitude)
        #expect(router.route(point) == .outsidePoland, "\(name)")
        #expect(router.routeByLinearScan(point) == .outsidePoland, "\(name)")
    }

    @Test("A city county in a hole of its land county routes to the city (Radom in radomski)")
    func cityInHole() throws {
        let router = try RoutingReferenceData.router()
        let radom = Coordinate(latitude: 51.4027, longitude: 21.1471)
        // The premise: radomski (1425) is one polygon with one hole, and its outer ring alone contains Radom.
        let radomski = try #require(router.shapes.first { $0.info.teryt == CountyCode("1425") })
        #expect(radomski.polygons.count == 1)
        #expect(radomski.polygons[0].holes.count == 1)
        #expect(radomski.polygons[0].outer.contains(x: radom.longitude, y: radom.latitude))
        #expect(!radomski.contains(x: radom.longitude, y: radom.latitude))

        let route = try #require(router.route(radom).route)
        #expect(route.county == CountyCode("1463"))
        #expect(route.match == .inside)
        #expect(route.alternatives.isEmpty)
    }

    @Test("A point in a coastal gap of the simplified layer routes to the nearest county")
    func coastalGap() throws {
        let router = try RoutingReferenceData.router()
        // Just off the coast near Jastrzębia Góra: in no polygon, ~550 m from powiat pucki.
        let point = Coordinate(latitude: 54.84, longitude: 18.3)
        let route = try #require(router.route(point).route)
        #expect(route.county == CountyCode("2211"))
        #expect(route.match == .nearest)
        let distance = try #require(route.distanceMeters)
        #expect(distance > 0 && distance <= 2_000)
        #expect(router.routeByLinearScan(point) == .routed(route))
    }
}
