import Foundation
import GarrisonCore
import Testing

/// The reference counties (`../shared/reference/powiaty.geojson` beside the package, or `$GARRISON_COUNTIES`),
/// loaded once for all routing tests.
///
/// A missing or broken file fails every test that needs it, with a message saying where it looked: these tests
/// are the evidence that routing works on the real map, so they must never pass by being skipped.
enum RoutingReferenceData {
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// The package root is three levels above this file (Tests/GarrisonCoreTests/<file>).
    static let path: String = {
        if let override = ProcessInfo.processInfo.environment["GARRISON_COUNTIES"], !override.isEmpty {
            return override
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent("../shared/reference/powiaty.geojson").standardizedFileURL.path
    }()

    static let loaded: Result<CountyRouter, Unavailable> = {
        guard FileManager.default.fileExists(atPath: path) else {
            return .failure(Unavailable(description: """
                The reference counties GeoJSON is missing: looked for \(path). Put the shared reference data \
                beside the package (../shared/reference/powiaty.geojson) or set GARRISON_COUNTIES to the file.
                """))
        }
        do {
            return .success(try CountyRouter.load(geoJSONAt: path))
        } catch {
            return .failure(Unavailable(description: "The reference counties GeoJSON cannot be loaded: \(error)"))
        }
    }()

    /// The shared router; throws (failing the calling test) when the reference data is unavailable.
    static func router() throws -> CountyRouter { try loaded.get() }
}

/// Small GeoJSON documents for synthetic tests.
enum RoutingFixture {
    /// Builds a small FeatureCollection for synthetic tests. Each feature is `(teryt, geometry JSON)`.
    static func featureCollection(_ features: [(teryt: String, geometry: String)]) -> Data {
        let items = features.map { feature in
            """
            {"type": "Feature", "properties": {"teryt": "\(feature.teryt)", "name": "county \(feature.teryt)", \
            "voivodeship": "\(feature.teryt.prefix(2))"}, "geometry": \(feature.geometry)}
            """
        }
        return Data(#"{"type": "FeatureCollection", "features": [\#(items.joined(separator: ","))]}"#.utf8)
    }

    /// The coordinates of an axis-aligned rectangle's ring, as GeoJSON (`[lon, lat]`, closed).
    static func rectangleRing(lon: ClosedRange<Double>, lat: ClosedRange<Double>) -> String {
        let (w, e, s, n) = (lon.lowerBound, lon.upperBound, lat.lowerBound, lat.upperBound)
        return "[[\(w), \(s)], [\(e), \(s)], [\(e), \(n)], [\(w), \(n)], [\(w), \(s)]]"
    }

    /// The 0.1° square at 52° N, 21° E (about 6.9 × 11.1 km), the default county shape of synthetic tests.
    static let square = polygon(rectangleRing(lon: 21.0...21.1, lat: 52.0...52.1))

    /// A FeatureCollection text holding one feature with the given properties (JSON) and geometry.
    static func collection(properties: String, geometry: String = square) -> String {
        #"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": \#(properties), "#
            + #""geometry": \#(geometry)}]}"#
    }

    /// A Polygon geometry from rings (the first is the outer ring, the rest are holes).
    static func polygon(_ rings: String...) -> String {
        #"{"type": "Polygon", "coordinates": [\#(rings.joined(separator: ", "))]}"#
    }
}
