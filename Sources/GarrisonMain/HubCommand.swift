import ArgumentParser
import Foundation
import GarrisonConfig
import GarrisonHub
import Logging

/// `garrison hub`: the hub daemon, and `garrison hub migrate` for its schema.
struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "The hub: the system of record on PostgreSQL, serving nodes over mutual TLS.",
        subcommands: [HubServeCommand.self, HubMigrateCommand.self, HubCheckCommand.self],
        defaultSubcommand: HubServeCommand.self
    )
}

/// Options every hub command shares.
struct HubOptions: ParsableArguments {
    @Option(help: "The hub's YAML configuration (keys documented in Config/hub.yaml; GARRISON_<KEY> overrides any).")
    var config: String = "Config/hub.yaml"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    /// Reads the configuration; a missing or invalid key ends the process with EX_CONFIG (78) and its name.
    func load(show: Bool = false) throws -> HubConfiguration {
        try DaemonSupport.configuration("hub", path: config, show: show) { try HubConfiguration(config: $0) }
    }

    func logger() -> Logger { DaemonSupport.logger("garrison.hub", level: logLevel) }

    /// Loads the configuration and runs `body`; a failure is logged as critical and exits 1.
    func run(_ failure: String, _ body: (HubConfiguration, Logger) async throws -> Void) async throws {
        let configuration = try load()
        let logger = logger()
        do {
            try await body(configuration, logger)
        } catch {
            logger.critical("\(failure)", metadata: ["error": "\(String(reflecting: error))"])
            throw ExitCode.failure
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// `garrison hub [serve]`.
struct HubServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the hub until SIGTERM or SIGINT (then drain in-flight requests and stop).",
        discussion: "Example: garrison hub --config /etc/garrison/hub.yaml"
    )

    @OptionGroup var options: HubOptions

    func run() async throws {
        try await options.run("hub stopped") { configuration, logger in
            try await buildHub(configuration: configuration, logger: logger).run(gracefulShutdownSignals: [.sigterm, .sigint])
        }
    }
}

/// `garrison hub migrate`.
struct HubMigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations as the owner role (migration.user), then exit.",
        discussion: "Example: GARRISON_MIGRATION_PASSWORD=… garrison hub migrate --config /etc/garrison/hub.yaml"
    )

    @OptionGroup var options: HubOptions

    func run() async throws {
        try await options.run("migration failed") { configuration, logger in
            try await Hub.migrate(configuration: configuration, logger: logger)
        }
    }
}

/// `garrison hub check`.
struct HubCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the configuration, certificates, keys and database roles before starting the hub.",
        discussion: """
            Reads the configuration (exit 78 naming a bad key), then checks the files it names as the garrison user \
            needs them, both roles' logins, and that the application role holds every privilege the migrations \
            grant and nothing more. Prints one line per finding with the fix; exit 0 when nothing failed, 1 otherwise.
            Example: sudo -u garrison sh -c 'set -a; . /etc/garrison/hub.env; exec garrison hub check --config /etc/garrison/hub.yaml'
            """
    )

    @OptionGroup var options: HubOptions

    @Option(help: "The user the daemon runs as (its unit's User=), who must read these files.")
    var serviceUser = "garrison"

    @Flag(help: "Print every key read with its value and where it came from (passwords and secrets redacted).")
    var showConfig = false

    func run() async throws {
        let configuration = try options.load(show: showConfig)
        let findings = await HubCheck.run(configuration, user: serviceUser, logger: Logger(label: "garrison.hub.check") { _ in SwiftLogNoOpLogHandler() })
        try DaemonSupport.report("garrison hub check: \(options.config)", findings)
    }
}
