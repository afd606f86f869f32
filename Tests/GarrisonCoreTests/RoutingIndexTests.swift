import Foundation
@testable import GarrisonCore
import Testing

/// The grid index against the linear scan on the reference map, and the map's counties against the registry.
@Suite struct CountyRouterIndexTests {
    @Test("Index and linear scan agree on 20,000 seeded random points over Poland's bounding box")
    func agreesWithLinearScan() throws {
        let router = try RoutingReferenceData.router()
        var random = SplitMix64(seed: 2016)
        var matches: [String: Int] = [:]
        var disagreements: [String] = []
        for _ in 0..<20_000 {
            let point = Coordinate(
                latitude: Double.random(in: 49.00...54.84, using: &random),
                longitude: Double.random(in: 14.07...24.15, using: &random))
            let (indexed, scanned) = (router.route(point), router.routeByLinearScan(point))
            if indexed != scanned { disagreements.append("\(point): \(indexed) vs \(scanned)") }
            matches[indexed.route?.match.rawValue ?? "outside", default: 0] += 1
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(3))")
        // The sample must exercise every path: inside, outside, and the border gaps.
        #expect(matches["inside", default: 0] > 10_000)
        #expect(matches["outside", default: 0] > 1_000)
        #expect(matches["nearest", default: 0] > 50)
    }

    @Test("Index and linear scan agree on every vertex of the map and just beside it")
    func agreesOnVertices() throws {
        let router = try RoutingReferenceData.router()
        var checked = 0
        var disagreements: [String] = []
        for shape in router.shapes {
            for polygon in shape.polygons {
                for ring in polygon.rings {
                    for i in stride(from: 0, to: ring.xs.count, by: 3) {
                        for (dx, dy) in [(0.0, 0.0), (1e-7, 0), (0, -1e-7), (0.0004, 0.0003)] {
                            let point = Coordinate(latitude: ring.ys[i] + dy, longitude: ring.xs[i] + dx)
                            let (indexed, scanned) = (router.route(point), router.routeByLinearScan(point))
                            if indexed != scanned { disagreements.append("\(point): \(indexed) vs \(scanned)") }
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked > 20_000)
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(3))")
    }

    @Test("Every county of the map routes by TERYT to a garrison; KSP covers exactly its ten counties")
    func everyCountyHasAGarrison() throws {
        let router = try RoutingReferenceData.router()
        #expect(router.counties.count == 380)
        var ksp: Set<String> = []
        for county in router.counties {
            let route = try #require(router.route(teryt: county.teryt).route, "\(county) has no garrison")
            #expect(route.match == .code && route.countyName == county.name)
            #expect(route.unit == LocalUnit(county: county.teryt))
            if route.garrison == .ksp {
                ksp.insert(county.teryt.rawValue)
            } else {
                #expect(route.garrison.rawValue == county.voivodeship, "\(county) → \(route.garrison)")
            }
            #expect(CountyRouter.routeByCode(county.teryt)?.garrison == route.garrison)
        }
        #expect(ksp == ["1465", "1405", "1408", "1412", "1414", "1417", "1418", "1421", "1432", "1434"])
    }

    @Test("The index answers most of the map without a polygon test")
    func indexShape() throws {
        let statistics = try RoutingReferenceData.router().statistics
        #expect(statistics.counties == 380)
        #expect(statistics.solidCells * 4 > statistics.cells)  // over a quarter of the bounding box is solid
        #expect(statistics.maxCandidatesPerCell <= 8)
    }
}
