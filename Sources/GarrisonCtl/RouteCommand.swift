import ArgumentParser
import Foundation
import GarrisonCore

/// `garrisonctl route`: which county, garrison and local unit a point (or a TERYT code) belongs to.
struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Route a point or a TERYT county code to its county, garrison and local police unit.",
        discussion: """
            Prints one JSON object: county, county_name, garrison, garrison_name, unit, unit_kind, match \
            (inside | nearest | ambiguous | code), distance_m and alternatives.

            Example (Piaseczno):
              garrisonctl route --lat 52.0814 --lon 21.0237 \\
                  --counties ../shared/reference/powiaty.geojson
              → county 1418 (piaseczyński), garrison KSP, unit KPP-1418

            A TERYT code routes without boundary data (the county name is then null):
              garrisonctl route --teryt 1418

            A negative number needs the = form (--lon=-5.0); Poland itself has none.

            Exit codes: 0 routed; 1 the counties file cannot be read; 3 the point lies outside Poland or the \
            county is unknown; 64 bad arguments.
            """
    )

    @Option(name: .customLong("lat"), help: "Latitude in degrees (WGS 84), e.g. 52.0814.")
    var latitude: Double?

    @Option(name: .customLong("lon"), help: "Longitude in degrees (WGS 84), e.g. 21.0237.")
    var longitude: Double?

    @Option(help: "A 4-digit TERYT county code, e.g. 1418, instead of a point.")
    var teryt: String?

    @Option(
        help: ArgumentHelp(
            "The counties GeoJSON (e.g. ../shared/reference/powiaty.geojson); defaults to $GARRISON_COUNTIES.",
            valueName: "path"))
    var counties: String?

    /// `--counties`, else the environment's `GARRISON_COUNTIES` (an empty value counts as unset).
    var countiesPath: String? {
        if let counties { return counties }
        guard let value = ProcessInfo.processInfo.environment["GARRISON_COUNTIES"], !value.isEmpty else { return nil }
        return value
    }

    mutating func validate() throws {
        switch (latitude, longitude, teryt) {
        case (nil, nil, nil):
            throw ArgumentParser.ValidationError("Give a point (--lat and --lon) or a county code (--teryt).")
        case (.some, _, .some), (_, .some, .some):
            throw ArgumentParser.ValidationError("Give either a point (--lat/--lon) or --teryt, not both.")
        case (.some, nil, nil):
            throw ArgumentParser.ValidationError("--lat needs --lon: a point is both.")
        case (nil, .some, nil):
            throw ArgumentParser.ValidationError("--lon needs --lat: a point is both.")
        case (.some(let latitude), .some(let longitude), nil):
            guard latitude.isFinite, (-90...90).contains(latitude) else {
                throw ArgumentParser.ValidationError("--lat must be a latitude within -90…90 (got \(latitude)).")
            }
            guard longitude.isFinite, (-180...180).contains(longitude) else {
                throw ArgumentParser.ValidationError("--lon must be a longitude within -180…180 (got \(longitude)).")
            }
            guard countiesPath != nil else {
                throw ArgumentParser.ValidationError(
                    "Routing a point needs the counties GeoJSON: pass --counties PATH or set GARRISON_COUNTIES.")
            }
        case (nil, nil, .some(let teryt)):
            do {
                _ = try CountyCode(validating: teryt)
            } catch {
                throw ArgumentParser.ValidationError("--teryt: \(error.message).")
            }
        }
    }

    func run() throws {
        let outcome: RouteOutcome
        var tolerance = CountyRouter.defaultToleranceMeters
        if let latitude, let longitude {
            // validate() guarantees the path. The router, not the bounding box, decides what is outside Poland.
            let router = try loadRouter(countiesPath ?? "")
            tolerance = router.toleranceMeters
            outcome = router.route(Coordinate(latitude: latitude, longitude: longitude))
        } else {
            let code = CountyCode(teryt ?? "")  // validated in validate()
            if let path = countiesPath {
                outcome = try loadRouter(path).route(teryt: code)
            } else if let route = CountyRouter.routeByCode(code) {
                outcome = .routed(route)
            } else {
                outcome = .unknownCounty(code)
            }
        }

        switch outcome {
        case .routed(let route):
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let json = try encoder.encode(RouteJSON(route))
            print(String(decoding: json, as: UTF8.self))
        case .outsidePoland:
            let point = "(\(latitude ?? .nan), \(longitude ?? .nan))"
            Self.printError("the point \(point) lies outside Poland: it is in no county and farther than "
                + "\(Int(tolerance)) m from all of them")
            throw ExitCode(3)
        case .unknownCounty(let code):
            let source = countiesPath.map { " in \($0)" } ?? ""
            Self.printError("county \(code) is unknown: no such county\(source) or no garrison covers it")
            throw ExitCode(3)
        }
    }

    private func loadRouter(_ path: String) throws -> CountyRouter {
        do {
            return try CountyRouter.load(geoJSONAt: path)
        } catch {
            Self.printError("cannot load the counties GeoJSON \(error)")
            throw ExitCode.failure
        }
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data("garrisonctl route: \(message)\n".utf8))
    }
}

/// The route as printed: snake_case keys, and explicit nulls so that every key is always present.
private struct RouteJSON: Encodable {
    let route: Route

    init(_ route: Route) { self.route = route }

    enum CodingKeys: String, CodingKey {
        case county, countyName = "county_name", garrison, garrisonName = "garrison_name", unit
        case unitKind = "unit_kind", match, distanceMeters = "distance_m", alternatives
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(route.county.rawValue, forKey: .county)
        try container.encode(route.countyName, forKey: .countyName)
        try container.encode(route.garrison.rawValue, forKey: .garrison)
        try container.encode(route.garrisonName, forKey: .garrisonName)
        try container.encode(route.unit.id, forKey: .unit)
        try container.encode(route.unit.kind.rawValue, forKey: .unitKind)
        try container.encode(route.match.rawValue, forKey: .match)
        // Decimetres are more than the simplified boundaries can tell apart.
        try container.encode(route.distanceMeters.map { ($0 * 10).rounded() / 10 }, forKey: .distanceMeters)
        try container.encode(route.alternatives.map(\.rawValue), forKey: .alternatives)
    }
}
