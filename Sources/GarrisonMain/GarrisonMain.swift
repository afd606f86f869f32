import ArgumentParser

/// `garrison`: the daemons (`hub`, `node`) and the one-command `demo`.
@main
struct GarrisonMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "garrison",
        abstract: "The synchronisation backbone of the National Security Threat Map (KMZB).",
        subcommands: [HubCommand.self, NodeCommand.self, DemoCommand.self]
    )
}
