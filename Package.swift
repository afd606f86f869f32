// swift-tools-version:6.1
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
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "garrison", targets: ["GarrisonMain"]),
        .executable(name: "garrisonctl", targets: ["GarrisonCtl"]),
        .executable(name: "garrison-bench", targets: ["GarrisonBench"]),
        .library(name: "GarrisonCore", targets: ["GarrisonCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .target(name: "GarrisonCore"),
        .target(name: "GarrisonSimulation", dependencies: ["GarrisonCore"]),
        // The deployment's own PKI: the CA, certificates naming a principal, PEM files (DESIGN §6).
        .target(
            name: "GarrisonPKI",
            dependencies: [
                "GarrisonCore",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // YAML configuration files with `GARRISON_*` environment overrides on apple/swift-configuration, read into
        // typed settings with errors that name the key and its variable.
        .target(
            name: "GarrisonConfig",
            dependencies: [
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // A private PostgreSQL cluster (initdb/pg_ctl in a temporary directory) for tests, benchmarks and the demo.
        .target(name: "GarrisonEmbeddedPostgres", dependencies: [.product(name: "Logging", package: "swift-log")]),
        // The deployment's one TLS profile (Mozilla "intermediate"), for every listener and client.
        .target(name: "GarrisonTLS", dependencies: [.product(name: "NIOSSL", package: "swift-nio-ssl")]),
        // What the hub's and the nodes' HTTP edges share: problem+json errors, JSON bodies, query parameters, and
        // the listeners bounded by timeouts and a connection cap.
        .target(
            name: "GarrisonHTTP",
            dependencies: [
                "GarrisonCore",
                "GarrisonConfig",
                "GarrisonTLS",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The systemd notify protocol (READY, STATUS, WATCHDOG, STOPPING) spoken by the daemons themselves.
        .target(
            name: "GarrisonSystemd",
            dependencies: [
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The hub daemon: PostgreSQL store, mutual-TLS sync API, admin API, operations endpoints.
        .target(
            name: "GarrisonHub",
            dependencies: [
                "GarrisonCore",
                "GarrisonPKI",
                "GarrisonConfig",
                "GarrisonHTTP",
                "GarrisonTLS",
                "GarrisonSystemd",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The hub's HTTPS client side (nodes, garrisonctl, tests, benchmarks): mutual TLS from PEM files.
        .target(
            name: "GarrisonHubClient",
            dependencies: [
                "GarrisonCore",
                "GarrisonPKI",
                "GarrisonTLS",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ]
        ),
        // A garrison's node (and the national node): SQLite store with the durable queue, the units' local API,
        // the sync worker driving the core's NodeSyncMachine over mutual TLS.
        .target(
            name: "GarrisonNode",
            dependencies: [
                "GarrisonCore",
                "GarrisonConfig",
                "GarrisonHTTP",
                "GarrisonTLS",
                "GarrisonHubClient",
                "GarrisonPKI",
                "GarrisonSystemd",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // `garrison demo`: the real hub, nodes and national node in one process on an embedded PostgreSQL, over
        // real mutual TLS, with a load through the units' local API, a garrison cut off, and a summary.
        .target(
            name: "GarrisonDemo",
            dependencies: [
                "GarrisonCore",
                "GarrisonSimulation",
                "GarrisonConfig",
                "GarrisonEmbeddedPostgres",
                "GarrisonPKI",
                "GarrisonHub",
                "GarrisonHubClient",
                "GarrisonNode",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "GarrisonMain",
            dependencies: [
                "GarrisonCore",
                "GarrisonDemo",
                "GarrisonSimulation",
                "GarrisonHub",
                "GarrisonHubClient",
                "GarrisonPKI",
                "GarrisonNode",
                "GarrisonConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "GarrisonCtl",
            dependencies: [
                "GarrisonCore",
                "GarrisonHubClient",
                "GarrisonPKI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "GarrisonBench",
            dependencies: [
                "GarrisonConfig",
                "GarrisonCore",
                "GarrisonSimulation",
                "GarrisonHub",
                "GarrisonHubClient",
                "GarrisonNode",
                "GarrisonEmbeddedPostgres",
                "GarrisonPKI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(name: "GarrisonCoreTests", dependencies: ["GarrisonCore"]),
        .testTarget(name: "GarrisonSimulationTests", dependencies: ["GarrisonCore", "GarrisonSimulation", "GarrisonTestSupport"]),
        // What the hub and node tests share: the per-process PostgreSQL cluster, a test PKI, a running test hub,
        // and the built executables.
        .target(
            name: "GarrisonTestSupport",
            dependencies: [
                "GarrisonCore",
                "GarrisonHub",
                "GarrisonHubClient",
                "GarrisonPKI",
                "GarrisonConfig",
                "GarrisonEmbeddedPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/GarrisonTestSupport"
        ),
        // The hub against a real PostgreSQL started by the harness, over real mutual TLS.
        .testTarget(
            name: "GarrisonHubTests",
            dependencies: [
                "GarrisonTestSupport",
                "GarrisonHTTP",
                "GarrisonCore",
                "GarrisonHub",
                "GarrisonHubClient",
                "GarrisonPKI",
                "GarrisonConfig",
                "GarrisonEmbeddedPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The listeners' bounds (timeouts, connection cap) against raw sockets on a real Hummingbird server.
        .testTarget(
            name: "GarrisonHTTPTests",
            dependencies: [
                "GarrisonHTTP",
                "GarrisonTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // Nodes on real SQLite against a real hub on a real PostgreSQL, over real mutual TLS; the daemon is also
        // run as a process and killed.
        .testTarget(
            name: "GarrisonNodeTests",
            dependencies: [
                "GarrisonTestSupport",
                "GarrisonHTTP",
                "GarrisonCore",
                "GarrisonNode",
                "GarrisonHub",
                "GarrisonHubClient",
                "GarrisonPKI",
                "GarrisonConfig",
                "GarrisonMain",
                "GarrisonSimulation",
                "GarrisonSystemd",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Runs the built executables as a user would (their dependency here makes `swift test` build them).
        .testTarget(
            name: "GarrisonCLITests",
            dependencies: ["GarrisonTestSupport", "GarrisonEmbeddedPostgres", "GarrisonHubClient", "GarrisonCtl", "GarrisonMain"]),
    ]
)
