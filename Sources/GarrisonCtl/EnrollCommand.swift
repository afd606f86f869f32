import ArgumentParser
import Foundation
import GarrisonCore
import GarrisonHubClient

/// `garrisonctl enroll`: a one-time, expiring token for enrolling one node (DESIGN §7).
struct EnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Print a one-time enrollment token for a garrison's node (or the national node).",
        discussion: """
            The token works once, for that garrison only, until it expires. Hand it to the garrison's operator, who \
            runs on the node:
              garrison node enroll --config /etc/garrison/node.yaml --hub https://hub.kmzb.local:8444 \\
                  --token <token> --ca ca.pem

            Examples:
              garrisonctl enroll --garrison 20
              garrisonctl enroll --national --ttl-hours 4 --json

            \(CtlExit.help)
            """)

    @OptionGroup var hub: HubOptions

    @Option(help: "The garrison (02 … 32, KSP).")
    var garrison: String?

    @Flag(help: "A token for the national node instead.")
    var national = false

    @Option(help: "Hours until the token expires (at most 720).")
    var ttlHours: Double = 24

    @Flag(help: "Print JSON (token, token_id, garrison, role, expires_at).")
    var json = false

    func validate() throws {
        guard (garrison != nil) != national else { throw ValidationError("give --garrison CODE or --national") }
        if let garrison, !GarrisonRegistry.standard.contains(GarrisonCode(rawValue: garrison)) {
            throw ValidationError("--garrison \(garrison) is not a garrison (02, 04, … 32, KSP)")
        }
        guard ttlHours > 0, ttlHours <= 720 else { throw ValidationError("--ttl-hours is more than 0 and at most 720") }
    }

    func run() async throws {
        let token = try await hub.withClient { try await $0.createEnrollmentToken(garrison: garrison, ttlHours: ttlHours) }
        if json { return try Output.json(token) }
        print(token.token)
        Output.note(
            "one-time token \(token.tokenID) for \(token.garrison.map { "garrison \($0)" } ?? "the national node"), "
                + "expires \(ISO8601DateFormatter().string(from: token.expiresAt))")
    }
}
