import ArgumentParser

/// `garrison`: the daemons (`hub`, `node`), the one-command `demo` of the real system and the seeded `simulate`.
@main
struct GarrisonMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "garrison",
        abstract: "The synchronisation backbone of the National Security Threat Map (KMZB).",
        subcommands: [HubCommand.self, NodeCommand.self, DemoCommand.self, SimulateCommand.self]
    )
}
