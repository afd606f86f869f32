/// A uniform grid over the counties' bounding box that turns "which of 380 polygons contains this point" into a
/// look-up of the point's cell.
///
/// Each cell knows two kinds of counties:
/// - *boundary* counties, whose edges cross the cell: only these need a point-in-polygon test;
/// - *covering* counties, which contain the whole cell with no edge in it: the point is inside them, no test needed.
///
/// A cell with no boundary and exactly one covering county is *solid*: every point in it routes to that county
/// in O(1). That holds because a polygon's inside/outside can only change across one of its edges; with no edge
/// in the (slightly enlarged) cell, the answer at the centre is the answer everywhere in the cell.
struct CountyGrid: Sendable {
    /// Where the cells are.
    let layout: GridLayout
    /// Per cell: the index of the county that is the whole answer for the cell, or -1.
    let solid: [Int32]
    /// Compressed rows: the entries of cell `c` are `entries[offsets[c] ..< offsets[c + 1]]`. An entry `k >= 0` is a
    /// boundary county; an entry `~k` (negative) is a covering county.
    let offsets: [Int32]
    let entries: [Int32]

    /// Cells are enlarged by this much (degrees, ~0.1 mm) when testing edges against them, so that rounding in the
    /// cell arithmetic can never make a point fall outside the cell that was tested for it.
    static let epsilon = 1e-9

    init(counties: [CountyShape], cellSize: Double) {
        let layout = GridLayout(box: counties.reduce(BoundingBox.empty) { $0.union($1.box) }, cellSize: cellSize)
        let (columns, rows) = (layout.columns, layout.rows)

        var boundary = [[Int32]](repeating: [], count: columns * rows)
        for (k, county) in counties.enumerated() {
            for polygon in county.polygons {
                for ring in polygon.rings { Self.markEdges(of: ring, county: Int32(k), layout: layout, in: &boundary) }
            }
        }

        var covering = [[Int32]](repeating: [], count: columns * rows)
        for (k, county) in counties.enumerated() {
            guard let cols = layout.columnRange(county.box.minX, county.box.maxX),
                let rowsRange = layout.rowRange(county.box.minY, county.box.maxY)
            else { continue }
            for row in rowsRange {
                for column in cols {
                    let cell = row * columns + column
                    // Lists are short (a handful of counties).
                    guard !boundary[cell].contains(Int32(k)) else { continue }
                    let centreX = layout.originX + (Double(column) + 0.5) * cellSize
                    let centreY = layout.originY + (Double(row) + 0.5) * cellSize
                    if county.contains(x: centreX, y: centreY) { covering[cell].append(Int32(k)) }
                }
            }
        }

        var solid = [Int32](repeating: -1, count: columns * rows)
        var offsets: [Int32] = [0]
        var entries: [Int32] = []
        offsets.reserveCapacity(columns * rows + 1)
        for cell in 0..<(columns * rows) {
            if boundary[cell].isEmpty, covering[cell].count == 1 {
                solid[cell] = covering[cell][0]
            } else {
                entries += boundary[cell]
                entries += covering[cell].map { ~$0 }
            }
            offsets.append(Int32(entries.count))
        }
        self.layout = layout
        self.solid = solid
        self.offsets = offsets
        self.entries = entries
    }

    /// Records county `k` in every cell that an edge of the ring crosses.
    private static func markEdges(of ring: Ring, county k: Int32, layout: GridLayout, in boundary: inout [[Int32]]) {
        let e = epsilon
        let cellSize = layout.cellSize
        for i in 0..<ring.edgeCount {
            let (x1, y1, x2, y2) = (ring.xs[i], ring.ys[i], ring.xs[i + 1], ring.ys[i + 1])
            guard let cols = layout.columnRange(Swift.min(x1, x2) - e, Swift.max(x1, x2) + e),
                let rowsRange = layout.rowRange(Swift.min(y1, y2) - e, Swift.max(y1, y2) + e)
            else { continue }
            for row in rowsRange {
                for column in cols {
                    let cell = row * layout.columns + column
                    // A county's edges are marked one after another, so a repeat is always the last entry.
                    if boundary[cell].last == k { continue }
                    let minX = layout.originX + Double(column) * cellSize - e
                    let minY = layout.originY + Double(row) * cellSize - e
                    let (maxX, maxY) = (minX + cellSize + 2 * e, minY + cellSize + 2 * e)
                    if segment(x1, y1, x2, y2, meetsBoxAt: minX, minY, maxX, maxY) {
                        boundary[cell].append(k)
                    }
                }
            }
        }
    }

    /// Liang–Barsky clipping: whether the segment has a point inside the closed box.
    static func segment(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
        meetsBoxAt minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double
    ) -> Bool {
        let dx = x2 - x1
        let dy = y2 - y1
        var t0 = 0.0
        var t1 = 1.0
        // Narrows [t0, t1], the part of the segment on the inner side of one box side; false once it is empty.
        func clip(_ p: Double, _ q: Double) -> Bool {
            if p == 0 { return q >= 0 }  // parallel to this side: inside or outside it entirely
            let t = q / p
            if p < 0 {
                if t > t1 { return false }
                t0 = Swift.max(t0, t)
            } else {
                if t < t0 { return false }
                t1 = Swift.min(t1, t)
            }
            return true
        }
        return clip(-dx, x1 - minX) && clip(dx, maxX - x1) && clip(-dy, y1 - minY) && clip(dy, maxY - y1) && t0 <= t1
    }

    var columns: Int { layout.columns }
    var rows: Int { layout.rows }
    var cellSize: Double { layout.cellSize }
}

/// The geometry of a uniform grid: origin, cell size and extent, and the arithmetic from degrees to cells.
struct GridLayout: Sendable {
    let originX: Double
    let originY: Double
    let cellSize: Double
    let columns: Int
    let rows: Int

    /// A grid covering the box with a small margin, so that points on its edges fall inside.
    init(box: BoundingBox, cellSize: Double) {
        let pad = cellSize / 1000
        originX = box.minX - pad
        originY = box.minY - pad
        self.cellSize = cellSize
        columns = Swift.max(1, Int(((box.maxX + pad - originX) / cellSize).rounded(.up)))
        rows = Swift.max(1, Int(((box.maxY + pad - originY) / cellSize).rounded(.up)))
    }

    /// The cell holding the point, or `nil` outside the grid (including NaN).
    @inline(__always)
    func cell(x: Double, y: Double) -> Int? {
        let fx = (x - originX) / cellSize
        let fy = (y - originY) / cellSize
        guard fx >= 0, fy >= 0, fx < Double(columns), fy < Double(rows) else { return nil }
        return Int(fy) * columns + Int(fx)
    }

    /// The columns overlapping `[minX, maxX]`, clamped to the grid; `nil` when none does. Clamping happens on
    /// doubles so that huge or infinite bounds never reach an `Int` conversion.
    func columnRange(_ minX: Double, _ maxX: Double) -> ClosedRange<Int>? {
        Self.clampedRange(
            ((minX - originX) / cellSize).rounded(.down), ((maxX - originX) / cellSize).rounded(.down), count: columns)
    }

    /// The rows overlapping `[minY, maxY]`, clamped to the grid; `nil` when none does.
    func rowRange(_ minY: Double, _ maxY: Double) -> ClosedRange<Int>? {
        Self.clampedRange(
            ((minY - originY) / cellSize).rounded(.down), ((maxY - originY) / cellSize).rounded(.down), count: rows)
    }

    private static func clampedRange(_ low: Double, _ high: Double, count: Int) -> ClosedRange<Int>? {
        guard high >= 0, low < Double(count), low <= high else { return nil }  // also rejects NaN
        return Int(Swift.max(low, 0))...Int(Swift.min(high, Double(count - 1)))
    }
}
