import ArgumentParser
import Foundation
import GarrisonConfig
import GarrisonCore
import GarrisonNode
import GarrisonPKI
import Logging

/// `garrison node`: a garrison's node daemon, `garrison node token` for the units' API tokens, and `garrison node
/// queue` for the outbound queue and the changes set aside.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "A garrison's node: SQLite store, the units' local API, sync with the hub over mutual TLS.",
        subcommands: [NodeServeCommand.self, NodeEnrollCommand.self, NodeTokenCommand.self, NodeQueueCommand.self, NodeCheckCommand.self],
        defaultSubcommand: NodeServeCommand.self
    )
}

/// Options every node command shares.
struct NodeOptions: ParsableArguments {
    @Option(help: "The node's YAML configuration (keys documented in Config/node.yaml; GARRISON_<KEY> overrides any).")
    var config: String = "Config/node.yaml"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    /// Reads the configuration (`role` overriding `node.role`); a missing or invalid key ends the process with
    /// EX_CONFIG (78) and its name.
    func load(role: String? = nil, show: Bool = false) throws -> NodeConfiguration {
        var environment = ProcessInfo.processInfo.environment
        if let role { environment[ConfigSource.environmentName(for: "node.role")] = role }
        return try DaemonSupport.configuration("node", path: config, environment: environment, show: show) {
            try NodeConfiguration(config: $0)
        }
    }

    func logger() -> Logger { DaemonSupport.logger("garrison.node", level: logLevel) }

    /// The node's store alone (token commands run beside the daemon: SQLite in WAL mode allows it).
    func store() throws -> NodeStore {
        let configuration = try load()
        do {
            let pem = try String(contentsOfFile: configuration.tls.certificate, encoding: .utf8)
            guard let principal = try CertificateIdentity(pem: pem).principal else {
                throw NodeStoreError("tls.certificate names no node")
            }
            return try NodeStore(path: configuration.storePath, principal: principal)
        } catch {
            FileHandle.standardError.write(Data("garrison node: cannot open the store: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// `garrison node [serve]`.
struct NodeServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the node until SIGTERM or SIGINT (then finish requests and the push in flight, and stop).",
        discussion: """
            Examples:
              garrison node --config /etc/garrison/node.yaml
              garrison node --role national --config /etc/garrison/national.yaml
            """
    )

    @OptionGroup var options: NodeOptions

    @Option(help: "node (a garrison's node) or national (the national node); overrides node.role.")
    var role: String?

    func run() async throws {
        let configuration = try options.load(role: role)
        let logger = options.logger()
        do {
            try await buildNode(configuration: configuration, logger: logger).run(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            logger.critical("node stopped", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }
}

/// `garrison node token issue|list|revoke`: the units' bearer tokens for the local API.
struct NodeTokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue, list and revoke the units' tokens for the local API.",
        discussion: """
            A token is bound to one unit (KMP/KPP/KRP and its county TERYT) and a role: `officer` (create reports in \
            the unit's county, work the unit's reports), `coordinator` (also reopen them), or `voivodeship` (every \
            report of the garrison, reopen, assign to units; no unit). Only the token's SHA-256 is stored; the token \
            itself is printed once.
            """,
        subcommands: [Issue.self, List.self, Revoke.self]
    )

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a token and print it once.",
            discussion: "Example: garrison node token issue --unit KMP-2061 --role officer --label \"dyżurny KMP Białystok\"")

        @OptionGroup var options: NodeOptions
        @Option(help: "The unit, e.g. KPP-2063 (omit for --role voivodeship or national).") var unit: String?
        @Option(help: "officer, coordinator, voivodeship, or national (national HQ staff, at the national node).") var role: String = "officer"
        @Option(help: "Who holds it (recorded as the author of their changes).") var label: String

        func run() throws {
            guard let role = UnitRole(rawValue: role) else {
                throw ValidationError("--role is officer, coordinator, voivodeship or national")
            }
            let store = try options.store()
            do {
                let issued = try store.issueToken(
                    unit: unit, role: role, label: label, nowMillis: Int64(Date().timeIntervalSince1970 * 1000))
                print(issued.token)
                FileHandle.standardError.write(Data("token \(issued.id) issued for \(unit ?? (role == .national ? "national HQ" : "the voivodeship")) (\(role.rawValue)); it is not shown again\n".utf8))
            } catch {
                FileHandle.standardError.write(Data("garrison node token issue: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var options: NodeOptions
        @Flag(help: "JSON instead of a table.") var json = false

        func run() throws {
            let tokens = try options.store().tokens()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(tokens), as: UTF8.self))
                return
            }
            print("ID        UNIT      ROLE         REVOKED  LABEL")
            for token in tokens {
                let unit = (token.unit ?? "-").padding(toLength: 9, withPad: " ", startingAt: 0)
                let role = token.role.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                print("\(token.id)  \(unit) \(role) \(token.revokedAtMillis == nil ? "no " : "yes")      \(token.label)")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token by id; it is refused from the next request.",
            discussion: "Example: garrison node token revoke k3x9q2ma")
        @OptionGroup var options: NodeOptions
        @Argument(help: "The token id (from `token list`).") var id: String

        func run() throws {
            guard try options.store().revokeToken(id: id, nowMillis: Int64(Date().timeIntervalSince1970 * 1000)) else {
                FileHandle.standardError.write(Data("garrison node token revoke: no active token \(id)\n".utf8))
                throw ExitCode(3)
            }
            print("revoked \(id)")
        }
    }
}

/// `garrison node check`.
struct NodeCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the configuration, the certificate, the store's place and the hub's answer before starting.",
        discussion: """
            Reads the configuration (exit 78 naming a bad key), then checks the credential files as the garrison \
            user needs them, the store's directory and file, and a mutual-TLS request to the hub with this node's \
            certificate. Prints one line per finding with the fix; exit 0 when nothing failed, 1 otherwise.
            Example: sudo -u garrison garrison node check --config /etc/garrison/node.yaml
            """
    )

    @OptionGroup var options: NodeOptions

    @Option(help: "node or national; overrides node.role.")
    var role: String?

    @Option(help: "The user the daemon runs as (its unit's User=), who must read these files.")
    var serviceUser = "garrison"

    @Flag(help: "Print every key read with its value and where it came from (passwords and secrets redacted).")
    var showConfig = false

    func run() async throws {
        let configuration = try options.load(role: role, show: showConfig)
        try DaemonSupport.report("garrison node check: \(options.config)", await NodeCheck.run(configuration, user: serviceUser))
    }
}
