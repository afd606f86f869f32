/// A WGS 84 point (EPSG:4326), latitude and longitude in degrees.
public struct Coordinate: Hashable, Codable, Sendable, CustomStringConvertible {
    public let latitude: Double
    public let longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Poland's bounding box with a small margin (lat 49.00–54.84, lon 14.07–24.15 per the reference data).
    public static let polandBounds = (minLatitude: 48.95, maxLatitude: 54.90, minLongitude: 14.05, maxLongitude: 24.20)

    /// Whether the point lies within Poland's bounding box (a cheap first test; routing decides precisely).
    public var isWithinPolandBounds: Bool {
        let b = Self.polandBounds
        return latitude >= b.minLatitude && latitude <= b.maxLatitude
            && longitude >= b.minLongitude && longitude <= b.maxLongitude
    }

    /// Validates a point: finite numbers inside the valid ranges and within Poland's bounding box.
    public init(validatingLatitude latitude: Double, longitude: Double) throws(ValidationError) {
        guard latitude.isFinite, longitude.isFinite, (-90...90).contains(latitude), (-180...180).contains(longitude) else {
            throw ValidationError(
                code: .invalidCoordinates,
                message: "latitude must be within -90…90 and longitude within -180…180 (got \(latitude), \(longitude))",
                field: "location")
        }
        self.init(latitude: latitude, longitude: longitude)
        guard isWithinPolandBounds else {
            throw ValidationError(
                code: .outsidePoland,
                message: "the point (\(latitude), \(longitude)) lies outside Poland", field: "location")
        }
    }

    public var description: String { "(\(latitude), \(longitude))" }
}

extension Coordinate {
    /// The point a `location` field holds (`{"lat": …, "lon": …}`), if it holds one.
    public init?(_ value: FieldValue) {
        guard case .object(let object) = value, let lat = object["lat"]?.doubleValue, let lon = object["lon"]?.doubleValue
        else { return nil }
        self.init(latitude: lat, longitude: lon)
    }
}
