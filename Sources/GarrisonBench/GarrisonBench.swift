import ArgumentParser

/// `garrison-bench`: benchmarks that print figures beside a baseline measured in the same run.
@main
struct GarrisonBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "garrison-bench",
        abstract: "Benchmarks of garrison's core, each beside a baseline measured in the same run.",
        subcommands: [RoutingBenchmark.self, HubApplyBenchmark.self, DrainBenchmark.self, NationalBenchmark.self]
    )
}
