import Foundation
import GarrisonCore
import Testing

/// Broken boundary data fails with a `GeoJSONError` that names the source and says what is wrong.
@Suite struct CountyRouterGeoJSONErrorTests {
    static let square = RoutingFixture.square

    /// The error thrown for the data, or a recorded failure if none was.
    static func error(for json: String, sourceLocation: SourceLocation = #_sourceLocation) -> GeoJSONError? {
        do {
            _ = try CountyRouter(geoJSON: Data(json.utf8), source: "test.geojson")
            Issue.record("the data was accepted", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.source == "test.geojson", sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix("test.geojson: "), sourceLocation: sourceLocation)
            return error
        }
    }

    @Test func malformedJSON() throws {
        let error = try #require(Self.error(for: #"{"type": "FeatureCollection", "features": ["#))
        #expect(error.message.contains("not valid JSON"))
    }

    @Test("A bad TERYT code names the feature and the code", arguments: ["9901", "14a1", "141", "1400", ""])
    func badTeryt(_ code: String) throws {
        let data = RoutingFixture.featureCollection([("1401", Self.square), (code, Self.square)])
        let json = String(decoding: data, as: UTF8.self)
        let error = try #require(Self.error(for: json))
        #expect(error.message.contains("feature 1"))
        #expect(error.message.contains("\"\(code)\""))
        #expect(error.message.contains("TERYT"))
    }

    @Test func terytAsNumberIsAStructuralError() throws {
        let json = RoutingFixture.collection(properties: #"{"teryt": 1401, "name": "x"}"#)
        let error = try #require(Self.error(for: json))
        #expect(error.message.contains("features[0].properties.teryt"))
    }

    @Test func missingName() throws {
        let json = RoutingFixture.collection(properties: #"{"teryt": "1401"}"#)
        let error = try #require(Self.error(for: json))
        #expect(error.message.contains("\"name\"") && error.message.contains("features[0].properties"))
    }

    @Test func voivodeshipDisagreeingWithCode() throws {
        let json = RoutingFixture.collection(properties: #"{"teryt": "1401", "name": "x", "voivodeship": "12"}"#)
        let error = try #require(Self.error(for: json))
        #expect(error.message.contains("voivodeship \"12\""))
    }

    @Test func unsupportedGeometry() throws {
        let point = #"{"type": "Point", "coordinates": [21.0, 52.0]}"#
        let json = String(decoding: RoutingFixture.featureCollection([("1401", point)]), as: UTF8.self)
        let error = try #require(Self.error(for: json))
        #expect(error.message.contains("feature 0 (1401") && error.message.contains("\"Point\""))
    }

    @Test func degenerateRing() throws {
        let line = #"{"type": "Polygon", "coordinates": [[[21.0, 52.0], [21.1, 52.0]]]}"#
        let json = String(decoding: RoutingFixture.featureCollection([("1401", line)]), as: UTF8.self)
        let error = try #require(Self.error(for: json))
        #expect(error.message.contains("at least 4 positions"))
    }

    @Test func outOfRangePosition() throws {
        let swapped = RoutingFixture.polygon(RoutingFixture.rectangleRing(lon: 52.0...52.1, lat: 121.0...121.1))
        let json = String(decoding: RoutingFixture.featureCollection([("1401", swapped)]), as: UTF8.self)
        let error = try #require(Self.error(for: json))
        #expect(error.message.contains("[longitude, latitude]"))
    }

    @Test func duplicateCounty() throws {
        let json = String(
            decoding: RoutingFixture.featureCollection([("1401", Self.square), ("1401", Self.square)]), as: UTF8.self)
        let error = try #require(Self.error(for: json))
        #expect(error.message.contains("features 0 and 1") && error.message.contains("1401"))
    }

    @Test func notAFeatureCollection() throws {
        #expect(Self.error(for: #"{"type": "Feature", "features": []}"#)?.message.contains("FeatureCollection") == true)
        let empty = #"{"type": "FeatureCollection", "features": []}"#
        #expect(Self.error(for: empty)?.message.contains("no county") == true)
        #expect(Self.error(for: #"[1, 2, 3]"#)?.message.contains("the top level") == true)
    }

    @Test func missingFile() throws {
        let path = "/nonexistent-garrison-test/powiaty.geojson"
        #expect {
            try CountyRouter.load(geoJSONAt: path)
        } throws: { error in
            guard let error = error as? GeoJSONError else { return false }
            return error.source == path && error.message.contains("no such file") && "\(error)".contains(path)
        }
    }

    @Test func directoryInsteadOfFile() throws {
        #expect {
            try CountyRouter.load(geoJSONAt: NSTemporaryDirectory())
        } throws: { error in
            (error as? GeoJSONError)?.message.contains("directory") == true
        }
    }
}
