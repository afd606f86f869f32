import Foundation

/// Decoding of county boundaries from GeoJSON (RFC 7946): a FeatureCollection whose features carry
/// `properties: {teryt, name, voivodeship}` and a `Polygon` or `MultiPolygon` geometry in `[lon, lat]` order.
enum CountyGeoJSON {
    /// Decodes and validates the counties; every failure names the source and the feature at fault.
    static func decode(_ data: Data, source: String) throws(GeoJSONError) -> [CountyShape] {
        let collection: FeatureCollection
        do {
            collection = try JSONDecoder().decode(FeatureCollection.self, from: data)
        } catch let error as DecodingError {
            throw GeoJSONError(source: source, message: describe(error))
        } catch {
            throw GeoJSONError(source: source, message: "cannot be decoded: \(error)")
        }
        guard collection.type == "FeatureCollection" else {
            throw GeoJSONError(
                source: source, message: "expected a GeoJSON FeatureCollection, found type \"\(collection.type)\"")
        }
        guard !collection.features.isEmpty else {
            throw GeoJSONError(source: source, message: "the FeatureCollection contains no county features")
        }
        var seen: [CountyCode: Int] = [:]
        var counties: [CountyShape] = []
        counties.reserveCapacity(collection.features.count)
        for (index, feature) in collection.features.enumerated() {
            let county = try shape(of: feature, index: index, source: source)
            if let first = seen.updateValue(index, forKey: county.info.teryt) {
                throw GeoJSONError(
                    source: source,
                    message: "features \(first) and \(index) both have TERYT code \(county.info.teryt); "
                        + "a county must be one feature (use a MultiPolygon for several parts)")
            }
            counties.append(county)
        }
        return counties
    }

    private static func shape(of feature: Feature, index: Int, source: String) throws(GeoJSONError) -> CountyShape {
        let properties = feature.properties
        let teryt: CountyCode
        do {
            teryt = try CountyCode(validating: properties.teryt)
        } catch {
            throw GeoJSONError(source: source, message: "feature \(index) (\"\(properties.name)\"): \(error.message)")
        }
        let label = "feature \(index) (\(teryt) \(properties.name))"
        // The voivodeship is redundant with the code's first two digits; a disagreement means a broken join.
        if let voivodeship = properties.voivodeship, voivodeship != teryt.voivodeship {
            throw GeoJSONError(
                source: source,
                message: "\(label): voivodeship \"\(voivodeship)\" does not match the TERYT code's "
                    + teryt.voivodeship)
        }
        let polygonsCoordinates: [[[[Double]]]]
        switch feature.geometry {
        case .polygon(let rings): polygonsCoordinates = [rings]
        case .multiPolygon(let polygons): polygonsCoordinates = polygons
        case .unsupported(let type):
            throw GeoJSONError(
                source: source, message: "\(label): geometry type \"\(type)\" is not a Polygon or MultiPolygon")
        }
        guard !polygonsCoordinates.isEmpty else {
            throw GeoJSONError(source: source, message: "\(label): the geometry has no polygons")
        }
        var polygons: [PolygonShape] = []
        for (p, ringsCoordinates) in polygonsCoordinates.enumerated() {
            var rings: [Ring] = []
            for (r, positions) in ringsCoordinates.enumerated() {
                let place = "\(label), polygon \(p), ring \(r)"
                rings.append(try ring(positions, where: place, source: source))
            }
            guard let outer = rings.first else {
                throw GeoJSONError(source: source, message: "\(label), polygon \(p): a polygon needs an outer ring")
            }
            polygons.append(PolygonShape(outer: outer, holes: Array(rings.dropFirst())))
        }
        let info = CountyInfo(teryt: teryt, name: properties.name, voivodeship: teryt.voivodeship)
        return CountyShape(info: info, polygons: polygons)
    }

    private static func ring(
        _ positions: [[Double]], where label: String, source: String
    ) throws(GeoJSONError) -> Ring {
        var points: [(Double, Double)] = []
        points.reserveCapacity(positions.count + 1)
        for (i, position) in positions.enumerated() {
            guard position.count >= 2 else {
                throw GeoJSONError(source: source, message: "\(label): position \(i) has fewer than 2 numbers")
            }
            let (lon, lat) = (position[0], position[1])
            guard lon.isFinite, lat.isFinite, (-180...180).contains(lon), (-90...90).contains(lat) else {
                throw GeoJSONError(
                    source: source,
                    message: "\(label): position \(i) [\(lon), \(lat)] is not a [longitude, latitude] pair in range")
            }
            points.append((lon, lat))
        }
        let ring = Ring(lonLat: points)
        // A closed ring needs at least a triangle: 3 distinct positions plus the closing one (RFC 7946 §3.1.6).
        guard ring.xs.count >= 4 else {
            throw GeoJSONError(
                source: source, message: "\(label): a ring needs at least 4 positions, found \(positions.count)")
        }
        return ring
    }

    /// A decoding failure in words, with the JSON path of the culprit (`features[3].properties.teryt`).
    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.reduce(into: "") { text, key in
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text.isEmpty ? "the top level" : text
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            let underlying = context.underlyingError.map { " (\($0.localizedDescription))" } ?? ""
            return "is not valid JSON: \(context.debugDescription)\(underlying)"
        case .dataCorrupted(let context):
            return "invalid value at \(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "not a county FeatureCollection: key \"\(key.stringValue)\" is missing at "
                + path(context.codingPath)
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "not a county FeatureCollection: expected \(type) at \(path(context.codingPath))"
        @unknown default:
            return "cannot be decoded: \(error)"
        }
    }
}

// The wire format, decoded with Codable; validation happens afterwards so that errors can name the feature.
extension CountyGeoJSON {
    struct FeatureCollection: Decodable {
        let type: String
        let features: [Feature]
    }

    struct Feature: Decodable {
        let properties: Properties
        let geometry: Geometry
    }

    struct Properties: Decodable {
        let teryt: String
        let name: String
        let voivodeship: String?
    }

    enum Geometry: Decodable {
        case polygon([[[Double]]])
        case multiPolygon([[[[Double]]]])
        case unsupported(String)

        private enum CodingKeys: String, CodingKey { case type, coordinates }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let type = try container.decode(String.self, forKey: .type)
            switch type {
            case "Polygon": self = .polygon(try container.decode([[[Double]]].self, forKey: .coordinates))
            case "MultiPolygon": self = .multiPolygon(try container.decode([[[[Double]]]].self, forKey: .coordinates))
            default: self = .unsupported(type)
            }
        }
    }
}
