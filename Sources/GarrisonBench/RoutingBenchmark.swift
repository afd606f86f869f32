import ArgumentParser
import Foundation
import GarrisonCore

/// `garrison-bench routing`: point routing through the grid index against a linear scan of all counties.
///
/// Both run in the same process on the same seeded points (the baseline on the first N/20 of them, which is
/// enough for a stable rate); their answers on those points must be identical or the benchmark fails.
struct RoutingBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routing",
        abstract: "Route random points in Poland's bounding box with the grid index and with a linear scan.",
        discussion: "The last line is machine-readable: route_points_per_s=N baseline_points_per_s=M speedup=S"
    )

    @Option(help: ArgumentHelp("The counties GeoJSON.", valueName: "path"))
    var counties = "../shared/reference/powiaty.geojson"

    @Option(help: "How many random points to route with the index (the baseline routes a twentieth of them).")
    var points = 200_000

    @Option(help: "Seed of the point generator (the same seed gives the same points).")
    var seed: UInt64 = 42

    /// Poland's bounding box per the reference data (lon 14.07–24.15, lat 49.00–54.84).
    static let longitudes = 14.07...24.15
    static let latitudes = 49.00...54.84

    mutating func validate() throws {
        guard points >= 20 else { throw ValidationError("--points must be at least 20 (got \(points)).") }
    }

    func run() throws {
        let clock = ContinuousClock()
        let rssBefore = Self.residentKilobytes()
        let loadStart = clock.now
        let router: CountyRouter
        do {
            router = try CountyRouter.load(geoJSONAt: counties)
        } catch {
            FileHandle.standardError.write(Data("garrison-bench routing: cannot load the counties: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let loadTime = clock.now - loadStart
        let rssLoaded = Self.residentKilobytes()

        var generator = SplitMix64(seed: seed)
        let sample = (0..<points).map { _ in
            Coordinate(
                latitude: Double.random(in: Self.latitudes, using: &generator),
                longitude: Double.random(in: Self.longitudes, using: &generator))
        }
        let baselineSample = Array(sample.prefix(points / 20))

        // Warm caches and lazy state on both paths before timing anything.
        for point in sample.prefix(2_000) { _ = router.route(point) }
        for point in baselineSample.prefix(200) { _ = router.routeByLinearScan(point) }

        let indexed = Self.measure(sample, clock: clock, router.route)
        let baseline = Self.measure(baselineSample, clock: clock, router.routeByLinearScan)

        // The two must agree point for point: the index is an optimisation, never a different answer.
        var mismatches: [String] = []
        for point in baselineSample {
            let (fast, slow) = (router.route(point), router.routeByLinearScan(point))
            if fast != slow { mismatches.append("\(point): index \(fast), linear scan \(slow)") }
        }
        guard mismatches.isEmpty else {
            print("FAIL: index and linear scan disagree on \(mismatches.count) of \(baselineSample.count) points:")
            mismatches.prefix(10).forEach { print("  \($0)") }
            throw ExitCode.failure
        }

        var counts: [String: Int] = [:]
        for point in sample { counts[Self.kind(of: router.route(point)), default: 0] += 1 }
        let rssEnd = Self.residentKilobytes()

        let s = router.statistics
        let percent = { (n: Int, of: Int) in String(format: "%.1f%%", 100 * Double(n) / Double(max(of, 1))) }
        print("routing benchmark: \(s.counties) counties, \(s.polygons) polygons, \(s.vertices) vertices; "
            + "\(points) points (seed \(seed)) in lon \(Self.longitudes), lat \(Self.latitudes)")
        print("index: \(s.cells) cells of \(s.cellSizeDegrees)°, \(percent(s.solidCells, s.cells)) solid, "
            + "at most \(s.maxCandidatesPerCell) counties in a cell")
        print("load: \(Self.ms(loadTime)) total "
            + "(decode \(Self.ms(s.decodeDuration)), index build \(Self.ms(s.buildDuration)))")
        print("outcomes: " + ["inside", "nearest", "ambiguous", "outside", "unknown"].map {
            "\($0) \(counts[$0, default: 0]) (\(percent(counts[$0, default: 0], points)))"
        }.joined(separator: ", "))
        print(indexed.line(name: "index   "))
        print(baseline.line(name: "baseline"))
        print("agreement: \(baselineSample.count)/\(baselineSample.count) points give identical outcomes")
        print("latencies are per point and include a pair of clock readings "
            + "(~\(Self.clockOverheadNanoseconds(clock)) ns)")
        print("memory: VmRSS \(Self.mb(rssBefore)) before load, \(Self.mb(rssLoaded)) after load, "
            + "\(Self.mb(rssEnd)) at end")
        let speedup = indexed.pointsPerSecond / max(baseline.pointsPerSecond, 1e-9)
        print("route_points_per_s=\(Int(indexed.pointsPerSecond.rounded())) "
            + "baseline_points_per_s=\(Int(baseline.pointsPerSecond.rounded())) "
            + "speedup=\(String(format: "%.1f", speedup))")
    }

    /// Throughput over one timed pass, then per-point latencies over a second pass.
    private static func measure(
        _ points: [Coordinate], clock: ContinuousClock, _ route: (Coordinate) -> RouteOutcome
    ) -> Measurement {
        var routed = 0
        let start = clock.now
        for point in points where route(point).route != nil { routed += 1 }
        let elapsed = clock.now - start

        var latencies: [Double] = []
        latencies.reserveCapacity(points.count)
        for point in points {
            let t0 = clock.now
            let outcome = route(point)
            let t1 = clock.now
            if outcome.route != nil { routed += 1 }  // consumed, so the call cannot be optimised away
            latencies.append(seconds(t1 - t0) * 1e6)
        }
        latencies.sort()
        return Measurement(
            count: points.count, seconds: seconds(elapsed), routed: routed / 2,
            p50: latencies[latencies.count / 2], p99: latencies[min(latencies.count - 1, latencies.count * 99 / 100)])
    }

    struct Measurement {
        let count: Int
        let seconds: Double
        let routed: Int
        let p50: Double
        let p99: Double

        var pointsPerSecond: Double { Double(count) / max(seconds, 1e-12) }

        func line(name: String) -> String {
            "\(name): \(count) points in \(String(format: "%.3f", seconds)) s = "
                + "\(Int(pointsPerSecond.rounded())) points/s; latency p50 \(String(format: "%.2f", p50)) µs, "
                + "p99 \(String(format: "%.2f", p99)) µs (\(routed) routed)"
        }
    }

    private static func kind(of outcome: RouteOutcome) -> String {
        switch outcome {
        case .routed(let route): route.match.rawValue
        case .outsidePoland: "outside"
        case .unknownCounty: "unknown"
        }
    }

    /// The median cost of reading the clock twice, which every per-point latency includes.
    private static func clockOverheadNanoseconds(_ clock: ContinuousClock) -> Int {
        var samples = (0..<1_001).map { _ in
            let t0 = clock.now
            return clock.now - t0
        }
        samples.sort()
        return Int((seconds(samples[500]) * 1e9).rounded())
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    private static func ms(_ duration: Duration) -> String { String(format: "%.1f ms", seconds(duration) * 1e3) }

    private static func mb(_ kilobytes: Int?) -> String {
        kilobytes.map { String(format: "%.1f MB", Double($0) / 1024) } ?? "n/a"
    }

    /// The process's resident set size in kB (`VmRSS` in /proc/self/status), or `nil` where there is no procfs.
    private static func residentKilobytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }
}
