/// An axis-aligned box in degrees (x = longitude, y = latitude).
struct BoundingBox: Sendable, Equatable {
    var minX: Double
    var minY: Double
    var maxX: Double
    var maxY: Double

    /// The empty box: the identity for `union`.
    static let empty = BoundingBox(minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)

    func contains(x: Double, y: Double) -> Bool { x >= minX && x <= maxX && y >= minY && y <= maxY }

    func union(_ other: BoundingBox) -> BoundingBox {
        BoundingBox(
            minX: Swift.min(minX, other.minX), minY: Swift.min(minY, other.minY),
            maxX: Swift.max(maxX, other.maxX), maxY: Swift.max(maxY, other.maxY))
    }

    func expanded(dx: Double, dy: Double) -> BoundingBox {
        BoundingBox(minX: minX - dx, minY: minY - dy, maxX: maxX + dx, maxY: maxY + dy)
    }
}

/// A closed ring of positions, stored as two coordinate arrays whose last point repeats the first, so that edge
/// `i` always runs from point `i` to point `i + 1` with no wrap-around arithmetic in the hot loops.
struct Ring: Sendable {
    let xs: [Double]
    let ys: [Double]
    let box: BoundingBox

    /// Builds a ring from `[lon, lat]` pairs, closing it when the data did not.
    init(lonLat points: [(Double, Double)]) {
        var xs = points.map(\.0)
        var ys = points.map(\.1)
        if let first = points.first, let last = points.last, first != last {
            xs.append(first.0)
            ys.append(first.1)
        }
        self.xs = xs
        self.ys = ys
        box = BoundingBox(
            minX: xs.min() ?? .infinity, minY: ys.min() ?? .infinity,
            maxX: xs.max() ?? -.infinity, maxY: ys.max() ?? -.infinity)
    }

    var edgeCount: Int { Swift.max(0, xs.count - 1) }

    /// Ray casting (a horizontal ray towards +x): the point is inside when the ray crosses the ring an odd number of
    /// times. The half-open test on y counts a vertex lying exactly on the ray once, not twice.
    func contains(x: Double, y: Double) -> Bool {
        guard xs.count >= 2, box.contains(x: x, y: y) else { return false }
        var inside = false
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                var x1 = xs[0]
                var y1 = ys[0]
                for i in 1..<xs.count {
                    let x2 = xs[i]
                    let y2 = ys[i]
                    if (y1 > y) != (y2 > y) {
                        let crossingX = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
                        if x < crossingX { inside.toggle() }
                    }
                    x1 = x2
                    y1 = y2
                }
            }
        }
        return inside
    }

    /// The smallest squared distance, in square metres, from the point to any edge of the ring.
    func squaredDistance(to point: LocalProjection) -> Double {
        var best = Double.infinity
        guard !xs.isEmpty else { return best }
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                var a = point.project(x: xs[0], y: ys[0])
                for i in 1..<xs.count {
                    let b = point.project(x: xs[i], y: ys[i])
                    best = Swift.min(best, LocalProjection.squaredDistanceFromOrigin(toSegment: a, b))
                    a = b
                }
            }
        }
        return best
    }
}

/// A polygon: an outer ring and any number of holes (GeoJSON: rings after the first are holes).
struct PolygonShape: Sendable {
    let outer: Ring
    let holes: [Ring]

    var box: BoundingBox { outer.box }
    var rings: [Ring] { [outer] + holes }

    func contains(x: Double, y: Double) -> Bool {
        guard outer.contains(x: x, y: y) else { return false }
        for hole in holes where hole.contains(x: x, y: y) { return false }
        return true
    }
}

/// One county's geometry (one or more polygons) with its identity.
struct CountyShape: Sendable {
    let info: CountyInfo
    let polygons: [PolygonShape]
    let box: BoundingBox

    init(info: CountyInfo, polygons: [PolygonShape]) {
        self.info = info
        self.polygons = polygons
        box = polygons.reduce(.empty) { $0.union($1.box) }
    }

    /// Whether the point lies inside any of the county's polygons (and in none of their holes).
    func contains(x: Double, y: Double) -> Bool {
        guard box.contains(x: x, y: y) else { return false }
        for polygon in polygons where polygon.contains(x: x, y: y) { return true }
        return false
    }

    /// The distance in metres from the point to the county's boundary (outer rings and holes alike): how far the
    /// point is from leaving the county when inside it, or from entering it when outside.
    func distanceToBoundary(from point: LocalProjection) -> Double {
        var best = Double.infinity
        for polygon in polygons {
            best = Swift.min(best, polygon.outer.squaredDistance(to: point))
            for hole in polygon.holes { best = Swift.min(best, hole.squaredDistance(to: point)) }
        }
        return best.squareRoot()
    }
}
