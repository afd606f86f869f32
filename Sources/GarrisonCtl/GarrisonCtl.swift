import ArgumentParser

/// `garrisonctl`: the administrators' command-line tool.
///
/// Exit codes a script can rely on: 0 success; 1 a runtime failure (I/O, unreadable data);
/// 3 the input is valid but has no answer (e.g. a point outside Poland); 64 a bad argument (usage).
@main
struct GarrisonCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "garrisonctl",
        abstract: "Administer a garrison deployment: routing checks today; tenants, rollout and enrollment as they land.",
        subcommands: [RouteCommand.self]
    )
}
