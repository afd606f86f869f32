/// Routing a point: through the grid (`route`) or by testing every county (`routeByLinearScan`, the baseline).
///
/// Both paths find the set of counties containing the point (or, if none, the counties whose boundary may be
/// within the tolerance) and hand it to the same decision functions, so they give identical answers; only the
/// way the candidates are found differs.
extension CountyRouter {
    /// Routes a point: `.routed` (inside, nearest or ambiguous) or `.outsidePoland`. Never traps, whatever the
    /// numbers: a non-finite or out-of-range coordinate is simply outside Poland.
    public func route(_ point: Coordinate) -> RouteOutcome {
        let x = point.longitude
        let y = point.latitude
        guard Self.isValid(x: x, y: y) else { return .outsidePoland }
        if let cell = grid.layout.cell(x: x, y: y) {
            let solid = grid.solid[cell]
            if solid >= 0 { return outcome(Int(solid), .inside) }
            var first = -1
            var others: [Int] = []  // stays empty, hence unallocated, unless polygons overlap
            for position in Int(grid.offsets[cell])..<Int(grid.offsets[cell + 1]) {
                let entry = grid.entries[position]
                let k = Int(entry >= 0 ? entry : ~entry)
                // Covering counties contain the whole cell; boundary counties need the test.
                guard entry < 0 || shapes[k].contains(x: x, y: y) else { continue }
                if first < 0 { first = k } else { others.append(k) }
            }
            if first >= 0 { return resolve(containing: first, others, x: x, y: y) }
        }
        // In no polygon: only counties with an edge in a cell within the tolerance can be near enough.
        let (dx, dy) = nearWindow(latitude: y)
        var candidates: [Int] = []
        if let columns = grid.layout.columnRange(x - dx, x + dx), let rows = grid.layout.rowRange(y - dy, y + dy) {
            for row in rows {
                for column in columns {
                    let cell = row * grid.columns + column
                    for position in Int(grid.offsets[cell])..<Int(grid.offsets[cell + 1]) {
                        let entry = grid.entries[position]
                        if entry >= 0, !candidates.contains(Int(entry)) { candidates.append(Int(entry)) }
                    }
                }
            }
        }
        return nearest(among: candidates, x: x, y: y)
    }

    /// Routes a point by testing every county in turn, with no index: the baseline the benchmark compares the grid
    /// with, and a check on it (it must give the same answers).
    public func routeByLinearScan(_ point: Coordinate) -> RouteOutcome {
        let x = point.longitude
        let y = point.latitude
        guard Self.isValid(x: x, y: y) else { return .outsidePoland }
        var first = -1
        var others: [Int] = []
        for k in shapes.indices where shapes[k].contains(x: x, y: y) {
            if first < 0 { first = k } else { others.append(k) }
        }
        if first >= 0 { return resolve(containing: first, others, x: x, y: y) }
        let (dx, dy) = nearWindow(latitude: y)
        let candidates = shapes.indices.filter { shapes[$0].box.expanded(dx: dx, dy: dy).contains(x: x, y: y) }
        return nearest(among: candidates, x: x, y: y)
    }

    private static func isValid(x: Double, y: Double) -> Bool {
        x.isFinite && y.isFinite && (-180...180).contains(x) && (-90...90).contains(y)
    }

    /// The half-width and half-height, in degrees, of the box around a point that holds every position within the
    /// tolerance (with a hair of slack for rounding). Near the poles the width is huge; callers clamp it.
    private func nearWindow(latitude: Double) -> (dx: Double, dy: Double) {
        let projection = LocalProjection(longitude: 0, latitude: latitude)
        let slack = CountyGrid.epsilon
        return (
            toleranceMeters / projection.metersPerDegreeX + slack, toleranceMeters / projection.metersPerDegreeY + slack
        )
    }

    /// The point lies in `first` and in `others`: one county is inside; several is an overlap of the simplified
    /// layers, resolved to the county the point is deepest in (farthest from its boundary). Ties go to the lower
    /// TERYT code, so the answer never depends on the order the candidates were found in.
    private func resolve(containing first: Int, _ others: [Int], x: Double, y: Double) -> RouteOutcome {
        guard !others.isEmpty else { return outcome(first, .inside) }
        let projection = LocalProjection(longitude: x, latitude: y)
        let all = ([first] + others).sorted()
        var best = all[0]
        var bestDepth = -Double.infinity
        for k in all {
            let depth = shapes[k].distanceToBoundary(from: projection)
            if depth > bestDepth { (best, bestDepth) = (k, depth) }  // strict: on a tie the lower index stays
        }
        let alternatives = all.filter { $0 != best }.map { shapes[$0].info.teryt }
        return outcome(best, .ambiguous, alternatives: alternatives)
    }

    /// The point lies in no county: the nearest candidate within the tolerance, or outside Poland.
    private func nearest(among candidates: [Int], x: Double, y: Double) -> RouteOutcome {
        guard !candidates.isEmpty else { return .outsidePoland }
        let projection = LocalProjection(longitude: x, latitude: y)
        var best = -1
        var bestDistance = Double.infinity
        for k in candidates {
            let distance = shapes[k].distanceToBoundary(from: projection)
            // Candidates come in any order; a tie goes to the lower index (the lower TERYT code).
            if distance < bestDistance || (distance == bestDistance && k < best) {
                (best, bestDistance) = (k, distance)
            }
        }
        guard best >= 0, bestDistance <= toleranceMeters else { return .outsidePoland }
        return outcome(best, .nearest, distanceMeters: bestDistance)
    }

    private func outcome(
        _ k: Int, _ match: Route.Match, distanceMeters: Double? = nil, alternatives: [CountyCode] = []
    ) -> RouteOutcome {
        guard let route = insideRoutes[k] else { return .unknownCounty(shapes[k].info.teryt) }
        if match == .inside { return .routed(route) }
        return .routed(route.with(match: match, distanceMeters: distanceMeters, alternatives: alternatives))
    }
}
