import Foundation

/// Routes a point (or a TERYT code) to its county, the garrison responsible for it and the county's local unit.
///
/// Built once from the counties' GeoJSON; immutable and `Sendable`, so one router serves every thread. A point is
/// looked up in a uniform grid of cells and only the few county polygons crossing its cell are tested, so
/// routing costs microseconds. The layers are simplified, so a point may fall in no polygon (a gap along a border
/// or the coast: routed to the nearest county within ``toleranceMeters``) or in two (an overlap: routed to the
/// county it lies deepest in, the other listed as an alternative).
public struct CountyRouter: Sendable {
    /// The default distance within which a point in no polygon still routes to the nearest county.
    public static let defaultToleranceMeters = 2_000.0
    /// The default grid cell size in degrees (~3.5 × 5.5 km in Poland): small enough that most cells lie inside a
    /// single county, large enough that the grid stays a few hundred kilobytes.
    public static let defaultCellSizeDegrees = 0.05

    /// The registry that decides which garrison covers a county.
    public let registry: GarrisonRegistry
    /// How far (metres) from a county's boundary a point in no polygon may lie and still be routed to it.
    public let toleranceMeters: Double
    /// All counties of the data, ordered by TERYT code.
    public let counties: [CountyInfo]
    /// Figures about the index, for logs and benchmarks.
    public let statistics: RoutingIndexStatistics

    /// County geometry, ordered by TERYT code: an index into it is also an order on codes, used to break ties.
    let shapes: [CountyShape]
    /// Per county, its route as found inside its polygon; `nil` when no garrison of the registry covers it.
    let insideRoutes: [Route?]
    let indexByCode: [CountyCode: Int]
    let grid: CountyGrid

    /// Loads the counties' GeoJSON from a file. The only function of the routing layer that does I/O.
    public static func load(
        geoJSONAt path: String, registry: GarrisonRegistry = .standard,
        toleranceMeters: Double = defaultToleranceMeters
    ) throws(GeoJSONError) -> CountyRouter {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            throw GeoJSONError(source: path, message: "no such file (looked at \(absolute))")
        }
        guard !isDirectory.boolValue else {
            throw GeoJSONError(source: path, message: "is a directory, not a counties GeoJSON file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw GeoJSONError(source: path, message: "cannot be read: \(error.localizedDescription)")
        }
        return try CountyRouter(geoJSON: data, registry: registry, toleranceMeters: toleranceMeters, source: path)
    }

    /// Builds a router from GeoJSON data; `source` names the data in error messages.
    public init(
        geoJSON data: Data, registry: GarrisonRegistry = .standard,
        toleranceMeters: Double = defaultToleranceMeters, cellSizeDegrees: Double = defaultCellSizeDegrees,
        source: String = "GeoJSON data"
    ) throws(GeoJSONError) {
        let clock = ContinuousClock()
        let start = clock.now
        let shapes = try CountyGeoJSON.decode(data, source: source).sorted { $0.info.teryt < $1.info.teryt }
        let decoded = clock.now
        // A cell far smaller than the data's precision only costs memory; a cell that is not a positive number
        // would make an empty or infinite grid.
        let cellSize =
            cellSizeDegrees.isFinite && cellSizeDegrees >= 0.001 ? cellSizeDegrees : Self.defaultCellSizeDegrees
        let grid = CountyGrid(counties: shapes, cellSize: cellSize)
        let built = clock.now

        self.registry = registry
        // A NaN or negative tolerance means "no tolerance", not a crash.
        self.toleranceMeters = toleranceMeters.isNaN ? 0 : Swift.max(0, toleranceMeters)
        self.shapes = shapes
        self.counties = shapes.map(\.info)
        self.insideRoutes = shapes.map {
            Route(county: $0.info.teryt, countyName: $0.info.name, registry: registry, match: .inside)
        }
        self.indexByCode = Dictionary(uniqueKeysWithValues: shapes.enumerated().map { ($1.info.teryt, $0) })
        self.grid = grid
        self.statistics = RoutingIndexStatistics(
            grid: grid, shapes: shapes, decode: decoded - start, build: built - decoded)
    }

    /// The county with this code, if the data has it.
    public func county(_ code: CountyCode) -> CountyInfo? { indexByCode[code].map { counties[$0] } }

    /// Routes a county by its TERYT code alone (`match == .code`); `.unknownCounty` when the data has no such
    /// county or no garrison covers it.
    public func route(teryt: CountyCode) -> RouteOutcome {
        guard let index = indexByCode[teryt], let route = insideRoutes[index] else { return .unknownCounty(teryt) }
        return .routed(route.with(match: .code))
    }

    /// Routes a code without any boundary data: the garrison and unit follow from the code, the county name is
    /// unknown (`nil`). The code is not checked against a county list, only against the registry.
    public static func routeByCode(_ teryt: CountyCode, registry: GarrisonRegistry = .standard) -> Route? {
        Route(county: teryt, countyName: nil, registry: registry, match: .code)
    }
}

/// Figures about a router's index.
public struct RoutingIndexStatistics: Sendable, Equatable {
    /// Counties, polygons (parts) and ring vertices in the data.
    public let counties: Int
    public let polygons: Int
    public let vertices: Int
    /// Grid cells, their size in degrees, and how many are solid (answered without any polygon test).
    public let cells: Int
    public let cellSizeDegrees: Double
    public let solidCells: Int
    /// The most counties listed in one non-solid cell.
    public let maxCandidatesPerCell: Int
    /// Time spent decoding the GeoJSON and building the grid.
    public let decodeDuration: Duration
    public let buildDuration: Duration

    init(grid: CountyGrid, shapes: [CountyShape], decode: Duration, build: Duration) {
        counties = shapes.count
        polygons = shapes.reduce(0) { $0 + $1.polygons.count }
        vertices = shapes.reduce(0) { sum, shape in
            sum + shape.polygons.reduce(0) { $0 + $1.rings.reduce(0) { $0 + $1.edgeCount } }
        }
        cells = grid.columns * grid.rows
        cellSizeDegrees = grid.cellSize
        solidCells = grid.solid.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
        maxCandidatesPerCell = zip(grid.offsets, grid.offsets.dropFirst()).map { Int($1 - $0) }.max() ?? 0
        decodeDuration = decode
        buildDuration = build
    }
}
