import Foundation

/// An equirectangular projection centred on one point, in metres.
///
/// Around a point, one degree of latitude is ~111.2 km everywhere and one degree of longitude is that times
/// cos(latitude). Over the few kilometres that routing measures (border tolerance, depth inside a county) this is
/// accurate to well under a percent, and it costs a multiplication per coordinate instead of a haversine.
struct LocalProjection: Sendable {
    /// Metres per degree of latitude on a sphere of the Earth's mean radius (6,371,008.8 m).
    static let metersPerDegree = 6_371_008.8 * Double.pi / 180

    /// The centre, in degrees.
    let x: Double
    let y: Double
    /// Metres per degree of longitude and of latitude at the centre.
    let metersPerDegreeX: Double
    let metersPerDegreeY: Double

    init(longitude: Double, latitude: Double) {
        x = longitude
        y = latitude
        metersPerDegreeY = Self.metersPerDegree
        metersPerDegreeX = Self.metersPerDegree * cos(latitude * Double.pi / 180)
    }

    /// A position relative to the centre, in metres.
    @inline(__always)
    func project(x px: Double, y py: Double) -> SIMD2<Double> {
        SIMD2((px - x) * metersPerDegreeX, (py - y) * metersPerDegreeY)
    }

    /// The squared distance from the centre (the origin) to the segment from `a` to `b`.
    @inline(__always)
    static func squaredDistanceFromOrigin(toSegment a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
        let d = b - a
        let lengthSquared = (d * d).sum()
        // The closest point is a + t·d with t the projection of the origin onto the line, clamped to the segment;
        // a degenerate segment (a repeated vertex) is just the point a.
        var t = lengthSquared > 0 ? -(a * d).sum() / lengthSquared : 0
        t = min(max(t, 0), 1)
        let closest = a + t * d
        return (closest * closest).sum()
    }
}
