import ArgumentParser
import Foundation
import GarrisonCore
import GarrisonHubClient

/// `garrisonctl status`: the deployment at a glance.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The hub's readiness, garrisons by phase, open conflicts and quarantine, certificates expiring soon.",
        discussion: """
            Exits 0 when the hub is ready; 69 when it is unreachable or not ready.

            Example: garrisonctl status --json

            \(CtlExit.help)
            """)

    @OptionGroup var hub: HubOptions

    @Option(help: "Warn about certificates expiring within this many days.")
    var expiringWithin = 30

    @Flag(help: "Print JSON.")
    var json = false

    struct Summary: Encodable {
        let ready: Bool
        let schemaVersion: Int?
        let phases: [String: Int]
        let reports: Int64
        let openConflicts: Int64
        let openQuarantine: Int64
        let expiring: [CertificateLine]


        private enum CodingKeys: String, CodingKey {
            case ready
            case schemaVersion = "schema_version"
            case phases, reports
            case openConflicts = "open_conflicts"
            case openQuarantine = "open_quarantine"
            case expiring
        }
    }

    struct Readiness: Decodable {
        let status: String
        let schemaVersion: Int?

        private enum CodingKeys: String, CodingKey {
            case status
            case schemaVersion = "schema_version"
        }
    }

    func run() async throws {
        let summary = try await hub.withClient { client in
            let readiness = try? client.decode(Readiness.self, try await client.send(.GET, "/readyz"))
            let garrisons = try await client.overview()
            let certificates = try await client.certificates()
            return Summary(
                ready: readiness?.status == "ready", schemaVersion: readiness?.schemaVersion,
                phases: Dictionary(grouping: garrisons, by: \.phase).mapValues(\.count),
                reports: garrisons.reduce(0) { $0 + $1.reports }, openConflicts: garrisons.reduce(0) { $0 + $1.openConflicts },
                openQuarantine: garrisons.reduce(0) { $0 + $1.openQuarantine },
                expiring: certificates.filter { $0.daysToExpiry <= expiringWithin })
        }
        if json {
            try Output.json(summary)
        } else {
            print("hub          \(summary.ready ? "ready" : "NOT READY") (schema \(summary.schemaVersion.map(String.init) ?? "?"))")
            print("garrisons    " + RolloutPhase.allCases.map { "\($0.rawValue) \(summary.phases[$0.rawValue] ?? 0)" }.joined(separator: ", "))
            print("reports      \(summary.reports)")
            print("conflicts    \(summary.openConflicts) open")
            print("quarantine   \(summary.openQuarantine) open")
            print("certificates \(summary.expiring.count) expiring within \(expiringWithin) days"
                + summary.expiring.map { "\n  \($0.identity) serial \($0.serial): \($0.daysToExpiry) days" }.joined())
        }
        if !summary.ready { throw ExitCode(CtlExit.unavailable) }
    }
}

/// Shared listing options of conflicts and quarantine.
struct ListingOptions: ParsableArguments {
    @Option(help: "Only this garrison.") var garrison: String?
    @Option(help: "open, resolved or all.") var state = "open"
    @Option(help: "At most this many entries.") var limit = 100
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        try RolloutCommand.check(garrison)
        guard ListingState(rawValue: state) != nil else { throw ValidationError("--state is open, resolved or all") }
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit is 1…10000") }
    }

    func query() -> String { "?state=\(state)&limit=\(limit)" + (garrison.map { "&garrison=\($0)" } ?? "") }
}

/// `garrisonctl conflicts`: concurrent edits the merge decided, for an administrator to confirm or override.
struct ConflictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "List, show and resolve conflicts (concurrent edits of one field).",
        discussion: """
            The merge already picked a winner everywhere; resolving records that an administrator looked:
            keep (the winner stands) or override (the losing value is written back as a new change).

            Examples:
              garrisonctl conflicts list --garrison 20
              garrisonctl conflicts show 17
              garrisonctl conflicts resolve 17 --keep

            \(CtlExit.help)
            """,
        subcommands: [List.self, Show.self, Resolve.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Conflicts, newest first.", discussion: "Example: garrisonctl conflicts list --state all --json")
        @OptionGroup var hub: HubOptions
        @OptionGroup var listing: ListingOptions

        func run() async throws {
            let entries = try await hub.withClient { try $0.decode([ConflictEntry].self, try await $0.send(.GET, "/v1/admin/conflicts" + listing.query())) }
            if listing.json { return try Output.json(entries) }
            Output.table(
                ["NUMBER", "GARRISON", "REPORT", "FIELD", "WINNER", "LOSER", "RESOLUTION"],
                entries.map { entry in
                    ["\(entry.number)", entry.record.garrison.rawValue, entry.record.reportID, entry.record.field,
                     "\(entry.record.winner.value) (\(entry.record.winner.stamp.site))",
                     "\(entry.record.loser.value) (\(entry.record.loser.stamp.site))",
                     entry.resolution.map { "\($0) by \(entry.resolvedBy ?? "?")" } ?? "open"]
                })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One conflict in full (JSON).", discussion: "Example: garrisonctl conflicts show 17")
        @OptionGroup var hub: HubOptions
        @Argument(help: "The conflict's number.") var number: Int64

        func run() async throws {
            let entry = try await hub.withClient { try $0.decode(ConflictEntry.self, try await $0.send(.GET, "/v1/admin/conflicts/\(number)")) }
            try Output.json(entry)
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resolve a conflict: --keep the winner, or --override with the losing value.",
            discussion: "Example: garrisonctl conflicts resolve 17 --override")
        @OptionGroup var hub: HubOptions
        @Argument(help: "The conflict's number.") var number: Int64
        @Flag(help: "Keep the merge's winner.") var keep = false
        @Flag(help: "Write the losing value back.") var override = false

        func validate() throws {
            guard keep != override else { throw ValidationError("give --keep or --override") }
        }

        func run() async throws {
            let entry = try await hub.withClient {
                try $0.decode(ConflictEntry.self, try await $0.send(
                    .POST, "/v1/admin/conflicts/\(number)/resolve", json: ["action": keep ? "keep" : "override"]))
            }
            print("conflict \(entry.number): \(entry.resolution ?? "?") by \(entry.resolvedBy ?? "?")")
        }
    }
}

/// `garrisonctl quarantine`: changes the hub refused to apply, for an administrator to retry or drop.
struct QuarantineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "List, retry and drop quarantined changes (refused by the hub's validation or authority).",
        discussion: """
            Examples:
              garrisonctl quarantine list --garrison 22 --json
              garrisonctl quarantine retry 41      (after the cause was fixed, e.g. a catalogue version published)
              garrisonctl quarantine drop 41

            \(CtlExit.help)
            """,
        subcommands: [List.self, Retry.self, Drop.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Quarantined changes, newest first.", discussion: "Example: garrisonctl quarantine list --state all")
        @OptionGroup var hub: HubOptions
        @OptionGroup var listing: ListingOptions

        func run() async throws {
            let entries = try await hub.withClient { try $0.decode([QuarantineEntry].self, try await $0.send(.GET, "/v1/admin/quarantine" + listing.query())) }
            if listing.json { return try Output.json(entries) }
            Output.table(
                ["ID", "GARRISON", "NODE", "SEQ", "REPORT", "REASON", "STATE"],
                entries.map {
                    ["\($0.id)", $0.garrison ?? "-", $0.nodeID, $0.seq.map(String.init) ?? "-", $0.change.reportID,
                     "\($0.reason.code): \($0.reason.message)", $0.state]
                })
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply a quarantined change again (exit 2 if still refused).", discussion: "Example: garrisonctl quarantine retry 41")
        @OptionGroup var hub: HubOptions
        @Argument(help: "The quarantined change's id.") var id: Int64

        func run() async throws {
            let entry = try await hub.withClient { try $0.decode(QuarantineEntry.self, try await $0.send(.POST, "/v1/admin/quarantine/\(id)/retry")) }
            print("quarantined change \(entry.id): \(entry.state)")
        }
    }

    struct Drop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Drop a quarantined change for good (it stays listed as dropped).", discussion: "Example: garrisonctl quarantine drop 41")
        @OptionGroup var hub: HubOptions
        @Argument(help: "The quarantined change's id.") var id: Int64

        func run() async throws {
            let entry = try await hub.withClient { try $0.decode(QuarantineEntry.self, try await $0.send(.POST, "/v1/admin/quarantine/\(id)/drop")) }
            print("quarantined change \(entry.id): \(entry.state)")
        }
    }
}
