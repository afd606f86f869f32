import ArgumentParser
import Foundation
import GarrisonCore
import GarrisonHubClient

/// `garrisonctl rollout`: garrisons' lifecycle and waves (DESIGN §7).
struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "See and change where each garrison is in the rollout: planned, pilot, live, suspended.",
        discussion: """
            A garrison moves planned → pilot → live, each step behind readiness gates checked by the hub:
              to pilot: a node of the garrison is enrolled;
              to live:  also a node seen within rollout.seen_within_seconds, its queue drained, no open quarantine,
                        nothing set aside at the node (garrison node queue list, on the node).
            A suspended garrison's node is refused until it is resumed (back to pilot or live, where it was).
            Every change is audited: who, when, from, to, why (garrisonctl rollout audit).

            Examples:
              garrisonctl rollout status
              garrisonctl rollout promote 20 --reason "pilot week 1 clean"
              garrisonctl rollout promote --wave 2 --reason "wave 2 go-live"
              garrisonctl rollout suspend 22 --reason "node disk failure"
              garrisonctl rollout resume 22 --reason "disk replaced"

            \(CtlExit.help)
            """,
        subcommands: [Status.self, Promote.self, Suspend.self, Resume.self, Audit.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A table: garrison, phase, wave, nodes, last seen, queue/lag, conflicts, quarantined, set aside.",
            discussion: "Example: garrisonctl rollout status --json")

        @OptionGroup var hub: HubOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let garrisons = try await hub.withClient { try await $0.overview() }
            if json { return try Output.json(garrisons) }
            Output.table(
                ["GARRISON", "NAME", "PHASE", "WAVE", "NODES", "LAST SEEN", "QUEUE/LAG", "CONFLICTS", "QUARANTINED", "SET ASIDE"],
                garrisons.map {
                    [$0.garrison, $0.name, $0.phase, "\($0.wave)", "\($0.nodes) (\($0.enrolled) enrolled)", Output.age($0.lastSeenSecondsAgo),
                     "\($0.queue.map(String.init) ?? "-")/\($0.lag.map(String.init) ?? "-")", "\($0.openConflicts)", "\($0.openQuarantine)",
                     Self.setAside($0)]
                })
        }

        /// The count of changes set aside at the node, with the oldest's refusal code: "2 (malformed_json)".
        static func setAside(_ garrison: GarrisonOverview) -> String {
            guard let count = garrison.setAside else { return "-" }
            guard count > 0 else { return "0" }
            return garrison.setAsideCode.map { "\(count) (\($0))" } ?? "\(count)"
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Promote a garrison (or a whole wave) one step: planned → pilot, pilot → live.",
            discussion: """
                Prints each gate the hub checked; a failed gate leaves the garrison where it was and exits 2.

                Examples:
                  garrisonctl rollout promote 20
                  garrisonctl rollout promote --wave 1 --reason "pilot go-live"
                """)

        @OptionGroup var hub: HubOptions

        @Argument(help: "The garrison (02 … 32, KSP).")
        var garrison: String?

        @Option(help: "Promote every garrison of this wave instead.")
        var wave: Int?

        @Option(help: "Why (kept in the audit).")
        var reason = "readiness gates passed"

        func validate() throws {
            guard (garrison == nil) != (wave == nil) else { throw ValidationError("give a GARRISON or --wave N") }
            try RolloutCommand.check(garrison)
        }

        func run() async throws {
            try await hub.withClient { client in
                var codes = garrison.map { [$0] } ?? []
                if let wave {
                    codes = try await client.overview().filter { $0.wave == wave }.map(\.garrison)
                    guard !codes.isEmpty else {
                        Output.error("wave \(wave) has no garrisons")
                        throw ExitCode(CtlExit.notFound)
                    }
                }
                var refused = 0
                for code in codes {
                    do {
                        let result = try await client.changePhase(code, .promote, reason: reason)
                        RolloutCommand.print(result)
                    } catch let error as HubClientError where error.status == 409 {
                        // A wave goes on past one garrison's failed gate; the exit code says something was refused.
                        refused += 1
                        Output.error("\(code): \(error.detail) (\(error.code))")
                    }
                }
                if refused > 0 { throw ExitCode(CtlExit.refused) }
            }
        }
    }

    /// What suspend and resume both take: the garrison and why.
    struct PhaseOrder: ParsableArguments {
        @OptionGroup var hub: HubOptions
        @Argument(help: "The garrison (02 … 32, KSP).") var garrison: String
        @Option(help: "Why (kept in the audit).") var reason: String

        func validate() throws { try RolloutCommand.check(garrison) }

        func run(_ action: PhaseAction) async throws {
            try await hub.withClient { RolloutCommand.print(try await $0.changePhase(garrison, action, reason: reason)) }
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend a pilot or live garrison: its node is refused until resumed.",
            discussion: "Example: garrisonctl rollout suspend 22 --reason \"node compromised\"")

        @OptionGroup var order: PhaseOrder

        func run() async throws { try await order.run(.suspend) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume a suspended garrison in the phase it was suspended from.",
            discussion: "Example: garrisonctl rollout resume 22 --reason \"node rebuilt and re-enrolled\"")

        @OptionGroup var order: PhaseOrder

        func run() async throws { try await order.run(.resume) }
    }

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The audit of phase changes: who, when, from, to, why (newest first).",
            discussion: "Example: garrisonctl rollout audit --garrison 20 --json")

        @OptionGroup var hub: HubOptions
        @Option(help: "Only this garrison.") var garrison: String?
        @Option(help: "At most this many entries.") var limit = 100
        @Flag(help: "Print JSON.") var json = false

        func validate() throws { try RolloutCommand.check(garrison) }

        func run() async throws {
            let changes = try await hub.withClient { try await $0.phaseAudit(garrison: garrison, limit: limit) }
            if json { return try Output.json(changes) }
            let formatter = ISO8601DateFormatter()
            Output.table(
                ["WHEN", "GARRISON", "FROM", "TO", "WHO", "WHY"],
                changes.map { [formatter.string(from: $0.at), $0.garrison, $0.from, $0.to, $0.actor, $0.reason] })
        }
    }

    static func check(_ garrison: String?) throws {
        if let garrison, !GarrisonRegistry.standard.contains(GarrisonCode(rawValue: garrison)) {
            throw ValidationError("\(garrison) is not a garrison (02, 04, … 32, KSP)")
        }
    }

    static func print(_ result: PhaseChangeResult) {
        for gate in result.gates { Swift.print("  gate \(gate.gate): \(gate.passed ? "ok" : "FAILED") (\(gate.detail))") }
        Swift.print("\(result.change.garrison): \(result.change.from) → \(result.change.to)")
    }
}
