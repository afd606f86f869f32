import ArgumentParser

/// `garrisonctl`: the administrators' command-line tool.
///
/// Exit codes a script can rely on: see `CtlExit` (0 done, 1 local failure, 2 refused, 3 not found, 64 usage,
/// 69 hub unreachable, 77 certificate refused).
@main
struct GarrisonCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "garrisonctl",
        abstract: "Administer a garrison deployment: PKI, enrollment, rollout waves, conflicts, quarantine, routing checks.",
        discussion: """
            Commands that talk to the hub take --hub, --cert, --key and --ca (or $GARRISONCTL_HUB, $GARRISONCTL_CERT, \
            $GARRISONCTL_KEY, $GARRISONCTL_CA): the hub's mutual-TLS API and an admin certificate \
            (garrisonctl pki issue --role admin). Every listing takes --json.

            \(CtlExit.help)
            """,
        subcommands: [
            StatusCommand.self, RolloutCommand.self, EnrollCommand.self, PKICommand.self, ConflictsCommand.self,
            QuarantineCommand.self, RouteCommand.self,
        ]
    )
}
