import Foundation
import GarrisonCore
import Testing

/// Small hand-made maps around (52° N, 21° E) that isolate one geometric case each.
@Suite struct CountyRouterSyntheticTests {
    /// Metres per degree of longitude at a latitude, as the router's equirectangular projection measures it.
    static func metersPerDegreeLongitude(at latitude: Double) -> Double {
        6_371_008.8 * Double.pi / 180 * cos(latitude * Double.pi / 180)
    }

    static func point(_ latitude: Double, _ longitude: Double) -> Coordinate {
        Coordinate(latitude: latitude, longitude: longitude)
    }

    /// Both routing paths, which must always agree.
    static func route(_ router: CountyRouter, _ point: Coordinate) -> RouteOutcome {
        let outcome = router.route(point)
        #expect(router.routeByLinearScan(point) == outcome, "index and linear scan disagree at \(point)")
        return outcome
    }

    @Test("A MultiPolygon county is found in each of its parts, and not between them")
    func multiPolygon() throws {
        let west = RoutingFixture.rectangleRing(lon: 21.0...21.1, lat: 52.0...52.1)
        let east = RoutingFixture.rectangleRing(lon: 21.5...21.6, lat: 52.0...52.1)
        let geometry = #"{"type": "MultiPolygon", "coordinates": [[\#(west)], [\#(east)]]}"#
        let router = try CountyRouter(geoJSON: RoutingFixture.featureCollection([("1401", geometry)]))
        for point in [Self.point(52.05, 21.05), Self.point(52.05, 21.55)] {
            let route = try #require(Self.route(router, point).route)
            #expect(route.county == CountyCode("1401") && route.match == .inside)
            #expect(route.garrison == "14" && route.unit.id == "KPP-1401")
        }
        #expect(Self.route(router, Self.point(52.05, 21.3)) == .outsidePoland)
    }

    @Test("A hole is not part of its county: the city filling it wins, an empty hole is outside")
    func polygonWithHole() throws {
        let outer = RoutingFixture.rectangleRing(lon: 21.0...21.2, lat: 52.0...52.2)
        let hole = RoutingFixture.rectangleRing(lon: 21.05...21.15, lat: 52.05...52.15)
        let filled = try CountyRouter(geoJSON: RoutingFixture.featureCollection([
            ("1402", RoutingFixture.polygon(outer, hole)), ("1461", RoutingFixture.polygon(hole)),
        ]))
        #expect(Self.route(filled, Self.point(52.1, 21.1)).route?.county == CountyCode("1461"))
        #expect(Self.route(filled, Self.point(52.1, 21.1)).route?.unit.id == "KMP-1461")
        #expect(Self.route(filled, Self.point(52.02, 21.1)).route?.county == CountyCode("1402"))

        // The hole's centre is 3.4 km from its nearest edge, beyond the 2 km tolerance.
        let empty = try CountyRouter(
            geoJSON: RoutingFixture.featureCollection([("1402", RoutingFixture.polygon(outer, hole))]))
        #expect(Self.route(empty, Self.point(52.1, 21.1)) == .outsidePoland)
        // Near the hole's edge, it routes back to the county around it.
        let nearEdge = try #require(Self.route(empty, Self.point(52.1, 21.06)).route)
        #expect(nearEdge.county == CountyCode("1402") && nearEdge.match == .nearest)
    }

    @Test("A point just outside a polygon routes to it within the tolerance, with the distance")
    func nearestWithinTolerance() throws {
        let data = RoutingFixture.featureCollection([("1401", RoutingFixture.square)])
        let router = try CountyRouter(geoJSON: data)
        let latitude = 52.05
        let oneKilometreEast = Self.point(latitude, 21.1 + 1_000 / Self.metersPerDegreeLongitude(at: latitude))
        let route = try #require(Self.route(router, oneKilometreEast).route)
        #expect(route.county == CountyCode("1401"))
        #expect(route.match == .nearest)
        let distance = try #require(route.distanceMeters)
        #expect(abs(distance - 1_000) < 0.5)

        let threeKilometresEast = Self.point(latitude, 21.1 + 3_000 / Self.metersPerDegreeLongitude(at: latitude))
        #expect(Self.route(router, threeKilometresEast) == .outsidePoland)

        // The tolerance is a parameter.
        let lenient = try CountyRouter(geoJSON: data, toleranceMeters: 5_000)
        #expect(Self.route(lenient, threeKilometresEast).route?.match == .nearest)
        let strict = try CountyRouter(geoJSON: data, toleranceMeters: 0)
        #expect(Self.route(strict, oneKilometreEast) == .outsidePoland)
    }

    @Test("Of two nearby counties, the nearer one wins")
    func nearestOfTwo() throws {
        let router = try CountyRouter(geoJSON: RoutingFixture.featureCollection([
            ("1401", RoutingFixture.square),
            ("1402", RoutingFixture.polygon(RoutingFixture.rectangleRing(lon: 21.12...21.2, lat: 52.0...52.1))),
        ]))
        // The gap 21.1…21.12 is ~1.4 km wide; a quarter of the way across is nearer 1401.
        let route = try #require(Self.route(router, Self.point(52.05, 21.105)).route)
        #expect(route.county == CountyCode("1401") && route.match == .nearest)
        #expect(Self.route(router, Self.point(52.05, 21.115)).route?.county == CountyCode("1402"))
    }

    @Test("Overlapping polygons: the county the point is deeper in wins, the other is an alternative")
    func ambiguousOverlap() throws {
        let router = try CountyRouter(geoJSON: RoutingFixture.featureCollection([
            ("1401", RoutingFixture.square),
            ("1402", RoutingFixture.polygon(RoutingFixture.rectangleRing(lon: 21.08...21.2, lat: 52.0...52.1))),
        ]))
        // At 21.085 the point is 0.015° inside 1401's east edge but only 0.005° inside 1402's west edge.
        let west = try #require(Self.route(router, Self.point(52.05, 21.085)).route)
        #expect(west.county == CountyCode("1401"))
        #expect(west.match == .ambiguous)
        #expect(west.alternatives == [CountyCode("1402")])
        let east = try #require(Self.route(router, Self.point(52.05, 21.095)).route)
        #expect(east.county == CountyCode("1402") && east.alternatives == [CountyCode("1401")])
        // Outside the overlap there is no ambiguity.
        #expect(Self.route(router, Self.point(52.05, 21.05)).route?.match == .inside)
    }

    @Test("An exact tie in depth goes to the lower TERYT code, whatever the feature order")
    func ambiguousTie() throws {
        let square = RoutingFixture.square
        for order in [[("1402", square), ("1401", square)], [("1401", square), ("1402", square)]] {
            let router = try CountyRouter(geoJSON: RoutingFixture.featureCollection(order))
            let route = try #require(Self.route(router, Self.point(52.05, 21.05)).route)
            #expect(route.county == CountyCode("1401") && route.alternatives == [CountyCode("1402")])
        }
    }

    @Test("A TERYT code routes with or without boundary data; an unknown code is reported")
    func byCode() throws {
        let router = try CountyRouter(geoJSON: RoutingFixture.featureCollection([
            ("1418", RoutingFixture.square),
        ]))
        let route = try #require(router.route(teryt: CountyCode("1418")).route)
        #expect(route.match == .code && route.countyName == "county 1418" && route.garrison == .ksp)
        #expect(router.route(teryt: CountyCode("1403")) == .unknownCounty(CountyCode("1403")))
        #expect(router.county(CountyCode("1418"))?.voivodeship == "14")
        #expect(router.counties.map(\.teryt) == [CountyCode("1418")])

        let bare = try #require(CountyRouter.routeByCode(CountyCode("1465")))
        #expect(bare.countyName == nil && bare.garrison == .ksp && bare.unit.id == "KRP-1465" && bare.match == .code)
        #expect(CountyRouter.routeByCode(CountyCode("1425"))?.garrison == "14")
    }

    @Test("A county no garrison covers is reported, not routed")
    func uncoveredCounty() throws {
        let registry = try GarrisonRegistry(garrisons: [])
        let router = try CountyRouter(
            geoJSON: RoutingFixture.featureCollection([("1401", RoutingFixture.square)]),
            registry: registry)
        #expect(Self.route(router, Self.point(52.05, 21.05)) == .unknownCounty(CountyCode("1401")))
        #expect(router.route(teryt: CountyCode("1401")) == .unknownCounty(CountyCode("1401")))
        #expect(CountyRouter.routeByCode(CountyCode("1401"), registry: registry) == nil)
    }

    @Test(
        "Any numbers at all route without trapping",
        arguments: [
            (Double.nan, 21.0), (52.0, .nan), (.infinity, 21.0), (52.0, -.infinity), (1e300, 1e300),
            (-91, 21), (52, 181), (90, 180), (-90, -180), (52.0, 21.0),
            (52.0, 21.1 + 1e-12), (52.1, 21.1), (52.0 - 1e-15, 21.0),
        ])
    func neverTraps(_ latitude: Double, _ longitude: Double) throws {
        let router = try CountyRouter(geoJSON: RoutingFixture.featureCollection([
            ("1401", RoutingFixture.square),
        ]), toleranceMeters: .infinity)
        let outcome = Self.route(router, Self.point(latitude, longitude))
        if !latitude.isFinite || !longitude.isFinite || abs(latitude) > 90 || abs(longitude) > 180 {
            #expect(outcome == .outsidePoland)
        }
    }
}
