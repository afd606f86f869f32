// swift-tools-version:6.0
import PackageDescription

/// garrison: the synchronisation backbone of Poland's National Security Threat Map (KMZB).
///
/// Targets by concern (see README.md and ../shared/DESIGN.md §1):
/// - `GarrisonCore`: the pure, I/O-free core (domain, routing, clocks, merge, sync state machine). Foundation only.
/// - `GarrisonSimulation`: a seeded in-process simulation of hub + nodes + national, driven by the core.
/// - `garrison` / `garrisonctl`: thin executables (daemons and demo; administrators' CLI).
/// - `garrison-bench`: benchmarks that print figures beside a baseline measured in the same run.
let package = Package(
    name: "garrison",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "garrison", targets: ["GarrisonMain"]),
        .executable(name: "garrisonctl", targets: ["GarrisonCtl"]),
        .executable(name: "garrison-bench", targets: ["GarrisonBench"]),
        .library(name: "GarrisonCore", targets: ["GarrisonCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "GarrisonCore"),
        .target(name: "GarrisonSimulation", dependencies: ["GarrisonCore"]),
        .executableTarget(
            name: "GarrisonMain",
            dependencies: [
                "GarrisonCore",
                "GarrisonSimulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "GarrisonCtl",
            dependencies: [
                "GarrisonCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "GarrisonBench",
            dependencies: [
                "GarrisonCore",
                "GarrisonSimulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "GarrisonCoreTests", dependencies: ["GarrisonCore"]),
        .testTarget(name: "GarrisonSimulationTests", dependencies: ["GarrisonCore", "GarrisonSimulation"]),
        // Runs the built executables as a user would (their dependency here makes `swift test` build them).
        .testTarget(name: "GarrisonCLITests", dependencies: ["GarrisonCtl", "GarrisonMain"]),
    ]
)
