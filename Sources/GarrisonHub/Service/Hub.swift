import GarrisonHTTP
import Foundation
import GarrisonConfig
import GarrisonCore
import GarrisonPKI
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import GarrisonSystemd
import GarrisonTLS
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The hub daemon (DESIGN §1): the mutual-TLS sync and admin API, the ops listener, the PostgreSQL pool and the
/// feed listener, run as services with graceful shutdown. `garrison hub` calls `buildHub(configuration:)`;
/// tests do the same and cancel `run()` to stop it.
public struct Hub: Sendable {
    public let configuration: HubConfiguration
    public let store: HubStore
    public let metrics: HubMetrics
    /// Authentication, revocation and the certificates seen.
    public let gatekeeper: Gatekeeper
    let client: PostgresClient
    let signals: FeedSignals
    let logger: Logger
    /// Each listener's connection figures (`tls`, `enroll`, `intake`, `ops`), for `/metrics`.
    let listeners = HubListeners()
    /// What `/readyz` says beyond the database: starting, serving or stopping.
    let readiness = Readiness()
    private let ports = Ports()
    private let group = GroupBox()

    /// The running service group, for `shutdown()`.
    final class GroupBox: Sendable {
        private let state = Mutex<(group: ServiceGroup?, stopRequested: Bool)>((nil, false))

        /// Keeps the group; true when a shutdown was asked before it existed (the caller then triggers it).
        func set(_ group: ServiceGroup) -> Bool { state.withLock { $0.group = group; return $0.stopRequested } }

        /// The group to stop, or nil when there is none yet (the request is kept for `set`).
        func requestStop() -> ServiceGroup? { state.withLock { $0.stopRequested = true; return $0.group } }
    }

    /// Bound ports, learned once each listener runs (a configured port 0 picks a free one).
    final class Ports: Sendable {
        let values = Mutex<[String: Int]>([:])
    }

    init(configuration: HubConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.client = PostgresClient(configuration: configuration.database.clientConfiguration, backgroundLogger: logger)
        let hubSite = SiteID(rawValue: configuration.siteID)
        let validator = ChangeValidator(
            maxClockSkewMillis: Int64(configuration.limits.maxClockSkew.components.seconds) * 1000,
            reservedSites: [hubSite, HubStore.intake.site])
        // A whole call (the wait for a pooled connection and every statement of its transaction) ends 10 s after
        // the statements' own deadline, or after 5 minutes when that is off.
        let queryTimeout = configuration.database.queryTimeoutSeconds
        self.store = HubStore(
            client: client, applier: BatchApplier(validator: validator, hubSite: hubSite), logger: logger,
            callDeadline: .seconds(queryTimeout > 0 ? queryTimeout + 10 : 300))
        self.metrics = HubMetrics()
        self.gatekeeper = Gatekeeper(metrics: metrics)
        self.signals = FeedSignals()
    }

    /// Raises the descriptor limit and says when the listeners' caps could still exhaust it.
    private func descriptorBudget() {
        var caps = [(key: "limits.max_connections (sync)", cap: configuration.limits.listeners.maxConnections)]
        if configuration.enrollment.address != nil { caps.append((key: "limits.max_connections (enrollment)", cap: configuration.limits.listeners.maxConnections)) }
        if configuration.ops != nil { caps.append((key: "limits.max_connections (ops)", cap: configuration.limits.listeners.maxConnections)) }
        if configuration.intake.address != nil { caps.append((key: "intake.max_connections", cap: configuration.intake.limits.maxConnections)) }
        // The pool's connections, the listening sockets, event loops, logs and the revocation list: 64 is ample.
        DescriptorBudget.check(caps: caps, reserve: configuration.database.poolSize + 64, logger: logger)
    }

    /// Runs until cancelled or, with `signals`, until SIGTERM/SIGINT: then stops accepting, drains in-flight
    /// requests (a push in flight commits or rolls back whole) and closes the pool.
    public func run(gracefulShutdownSignals: [UnixSignal] = []) async throws {
        let tls = try HubTLS.serverConfiguration(configuration)
        descriptorBudget()
        if let path = configuration.validationCountiesPath {
            do {
                store.adopt(boundaries: try CountyRouter.load(geoJSONAt: path))
            } catch {
                throw HubStoreError(description: "validation.counties: \(error)")
            }
        }
        let router = Router(context: HubRequestContext.self)
        router.middlewares.add(HubFailures.middleware(HubRequestContext.self))
        // Every route of the TLS listener knows its caller; the groups' RoleGates decide what it may do.
        router.middlewares.add(CertificateAuthenticator(gatekeeper: gatekeeper))
        router.addOpenAPI(HubOpenAPI.tls)
        let ownCertificates = try HubTLS.ownCertificates(configuration)
        SyncRoutes(
            store: store, signals: signals, metrics: metrics, configuration: configuration,
            registry: .standard
        ).register(on: router)
        AdminRoutes(store: store, metrics: metrics, configuration: configuration).register(on: router)
        let rollout = RolloutRoutes(
            store: store, metrics: metrics, gatekeeper: gatekeeper, configuration: configuration, ownCertificates: ownCertificates)
        rollout.register(on: router)
        // On the TLS listener the metrics (certificates, garrisons, refusals) are for administrators only.
        OpsRoutes(store: store, metrics: metrics, readiness: readiness, listeners: listeners.all, certificates: { try await rollout.certificateLines() })
            .register(on: router, metricsOn: router.group().add(middleware: RoleGate.administrators(metrics: metrics)))
        let (ports, readiness) = (self.ports, self.readiness)
        var app = Application(
            router: router, server: try .limited(configuration.limits.listeners, stats: listeners.tls, tls: tls),
            configuration: .init(address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: "garrison-hub"),
            // The TLS listener binds only once the start-up work (beforeServerStarts) is done: from here on the hub serves.
            onServerRunning: { channel in
                ports.values.withLock { $0["tls"] = channel.localAddress?.port }
                readiness.serving()
            },
            logger: logger)
        app.addServices(
            client, FeedListener(client: client, signals: signals, store: store, logger: logger),
            Readiness.ShutdownWatch(readiness: readiness))
        if let path = configuration.revocation.listPath {
            let reloader = RevocationReloader(path: path, interval: configuration.revocation.reload, gatekeeper: gatekeeper, logger: logger)
            try reloader.loadInitial()
            app.addServices(reloader)
        }
        if let enrollment = try enrollmentListener(ports: ports) { app.addServices(enrollment) }
        if let intake = try intakeListener(ports: ports) { app.addServices(intake) }
        if let ops = configuration.ops {
            let opsRouter = Router()
            opsRouter.middlewares.add(HubFailures.middleware(BasicRequestContext.self))
            opsRouter.addOpenAPI(HubOpenAPI.opsListener)
            // The ops listener binds to the host's loopback for local probes and Prometheus: open to them.
            OpsRoutes(store: store, metrics: metrics, readiness: readiness, listeners: listeners.all, certificates: { try await rollout.certificateLines() })
                .register(on: opsRouter, metricsOn: opsRouter.group())
            app.addServices(
                Application(
                    router: opsRouter, server: try .limited(configuration.limits.listeners, stats: listeners.ops), configuration: .init(address: .hostname(ops.host, port: ops.port), serverName: "garrison-hub-ops"),
                    onServerRunning: { channel in ports.values.withLock { $0["ops"] = channel.localAddress?.port } },
                    logger: logger))
        }
        let configuration = self.configuration
        let store = self.store
        let logger = self.logger
        app.beforeServerStarts {
            try await DatabaseProbe.check(configuration.database, key: "database", logger: logger)
            if configuration.migration.onStart { try await Hub.migrate(configuration: configuration, logger: logger) }
            let version = try await store.schemaVersion()
            guard version == Migration.latestVersion else {
                throw HubStoreError(
                    description: "the database schema is at version \(version), this hub needs \(Migration.latestVersion): "
                        + "run `garrison hub migrate --config …` or set database.migrate: true")
            }
            if let path = configuration.rollout.wavesPath { try await Hub.adoptWaves(path, store: store, logger: logger) }
            if configuration.intake.address != nil { try await store.forgetIntakeDevices() }
            let catalogues = try await store.loadCatalogues()
            let identity = try await store.refreshIdentity()
            logger.info("hub ready", metadata: [
                "identity": "\(identity)", "schema": "\(version)", "catalogue": "\(catalogues.last?.version ?? 0)",
            ])
        }
        let systemd = SystemdService(
            logger: logger, ready: { ports.values.withLock { $0["tls"] } != nil },
            status: { "serving on port \(ports.values.withLock { $0["tls"] }.map(String.init) ?? "-")" },
            healthy: { (try? await store.schemaVersion()) == Migration.latestVersion })
        var groupConfiguration = ServiceGroupConfiguration(
            services: [app, systemd], gracefulShutdownSignals: gracefulShutdownSignals, logger: logger)
        // A drain that outlasts the grace (a peer that never finishes its request, a database that never
        // answers) is cancelled, so the daemon stops within its unit's TimeoutStopSec whatever its peers do.
        groupConfiguration.maximumGracefulShutdownDuration = configuration.limits.shutdownGrace
        // Past that, ServiceLifecycle stops the process itself (a fatal error): right for the daemon, which must
        // end within TimeoutStopSec, never for a hub or node running inside another process (tests, the demo).
        if !gracefulShutdownSignals.isEmpty { groupConfiguration.maximumCancellationDuration = .seconds(5) }
        let serviceGroup = ServiceGroup(configuration: groupConfiguration)
        // A shutdown asked while the hub was still being built is not lost (ServiceGroup keeps a trigger that
        // comes before its run()).
        if group.set(serviceGroup) { await serviceGroup.triggerGracefulShutdown() }
        // Whatever ends the group, no long-poll may stay parked.
        defer { signals.close() }
        try await serviceGroup.run()
    }

    /// The enrollment listener (TLS, no client certificate), when `enrollment.ca_key` is configured.
    private func enrollmentListener(ports: Ports) throws -> (any Service)? {
        guard let address = configuration.enrollment.address, let keyPath = configuration.enrollment.caKeyPath else { return nil }
        let authority: CertificateAuthority
        do {
            authority = try CertificateAuthority(
                certificatePEM: String(contentsOfFile: configuration.tls.ca, encoding: .utf8),
                keyPEM: String(contentsOfFile: keyPath, encoding: .utf8))
        } catch let error as PKIError {
            throw HubStoreError(description: "enrollment.ca_key: \(keyPath) with tls.ca \(configuration.tls.ca): \(error.message)")
        } catch {
            throw HubStoreError(description: "enrollment.ca_key: \(keyPath) cannot be read (\(error.localizedDescription))")
        }
        let router = Router()
        router.middlewares.add(HubFailures.middleware(BasicRequestContext.self))
        EnrollmentRoutes(store: store, metrics: metrics, authority: authority, certificateDays: configuration.enrollment.certificateDays)
            .register(on: router)
        return Application(
            router: router,
            server: try .limited(configuration.limits.listeners, stats: listeners.enroll, tls: try HubTLS.enrollmentConfiguration(configuration)),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "garrison-hub-enroll"),
            onServerRunning: { channel in ports.values.withLock { $0["enroll"] = channel.localAddress?.port } },
            logger: logger)
    }

    /// The citizens' public intake (plain HTTP behind the operator's TLS proxy), when `intake.address` is set.
    private func intakeListener(ports: Ports) throws -> (any Service)? {
        guard let address = configuration.intake.address else { return nil }
        var router: CountyRouter?
        if configuration.intake.countiesPath == configuration.validationCountiesPath {
            router = store.applier.validator.boundaries
        } else if let path = configuration.intake.countiesPath {
            do {
                router = try CountyRouter.load(geoJSONAt: path)
            } catch {
                throw HubStoreError(description: "intake.counties: \(error)")
            }
        }
        let routes = Router(context: IntakeRequestContext.self)
        routes.middlewares.add(HubFailures.middleware(IntakeRequestContext.self))
        IntakeRoutes(
            store: store, metrics: metrics, configuration: configuration, router: router,
            keyring: IntakeKeyring(store: store, configured: try IntakeSecret.configured(configuration))
        ).register(on: routes)
        return Application(
            router: routes, server: try .limited(configuration.intake.limits, stats: listeners.intake),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "garrison-hub-intake"),
            onServerRunning: { channel in ports.values.withLock { $0["intake"] = channel.localAddress?.port } },
            logger: logger)
    }

    /// Sets the garrisons' waves from the waves file; an unknown garrison code stops the start-up.
    static func adoptWaves(_ path: String, store: HubStore, logger: Logger) async throws {
        let waves = try RolloutWaves(path: path)
        var assignment: [GarrisonCode: Int] = [:]
        for (code, wave) in waves.waveOfGarrison {
            let garrison = GarrisonCode(rawValue: code)
            guard GarrisonRegistry.standard.contains(garrison) else {
                throw HubStoreError(description: "rollout.waves: \(path) names garrison \"\(code)\", which does not exist")
            }
            assignment[garrison] = wave
        }
        try await store.assignWaves(assignment)
        logger.info("rollout waves adopted", metadata: ["path": "\(path)", "waves": "\(waves.waves.count)"])
    }

    /// Starts a graceful shutdown, as SIGTERM does: stop accepting, finish in-flight requests, close the pool.
    public func shutdown() async {
        await group.requestStop()?.triggerGracefulShutdown()
    }

    /// Applies pending migrations as the owner role (`migration.user`), then returns.
    public static func migrate(configuration: HubConfiguration, logger: Logger) async throws {
        try await DatabaseProbe.check(configuration.migration.database, key: "migration", logger: logger)
        let owner = PostgresClient(configuration: configuration.migration.database.clientConfiguration, backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await owner.run() }
            defer { group.cancelAll() }
            try await HubMigrator.migrate(client: owner, appRole: configuration.database.user, logger: logger)
        }
    }

    /// How many long-polling pulls are parked now, waiting for their garrison's feed to grow.
    public var parkedPulls: Int { signals.parkedCount }

    /// The port a listener (`"tls"` or `"ops"`) is bound to, waiting up to `timeout` for it to start.
    public func boundPort(_ listener: String = "tls", timeout: Duration = .seconds(30)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = ports.values.withLock({ $0[listener] }) { return port }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HubStoreError(description: "the hub's \(listener) listener did not start within \(timeout)")
    }
}

/// Builds the hub from its configuration (DESIGN §1: `@main` stays thin, tests call this).
public func buildHub(configuration: HubConfiguration, logger: Logger = Logger(label: "garrison.hub")) -> Hub {
    Hub(configuration: configuration, logger: logger)
}

/// Each listener's connection figures, named as in `boundPort(_:)`.
final class HubListeners: Sendable {
    let tls = ListenerStats(name: "tls")
    let enroll = ListenerStats(name: "enroll")
    let intake = ListenerStats(name: "intake")
    let ops = ListenerStats(name: "ops")

    var all: [ListenerStats] { [tls, enroll, intake, ops] }
}

/// The hub's server TLS (restricted to `TLSProfile` by the listener builder and here alike): its certificate, and client certificates required and verified against the
/// deployment CA (no host name check: clients are named by their certificate's identity, not by DNS).
enum HubTLS {
    /// The enrollment listener's TLS: the hub's certificate, no client certificate asked (the node has none yet).
    static func enrollmentConfiguration(_ configuration: HubConfiguration) throws -> TLSConfiguration {
        let chain = try load("tls.certificate", configuration.tls.certificate) { try NIOSSLCertificate.fromPEMFile($0) }
        let key = try load("tls.key", configuration.tls.key) { try NIOSSLPrivateKey(file: $0, format: .pem) }
        return TLSProfile.applied(
            to: TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
    }

    /// The hub's own server certificate and the CA, for days-to-expiry.
    static func ownCertificates(_ configuration: HubConfiguration) throws -> [CertificateSummary] {
        try [configuration.tls.certificate, configuration.tls.ca].map { path in
            try load(path == configuration.tls.ca ? "tls.ca" : "tls.certificate", path) { try CertificateSummary(pem: String(contentsOfFile: $0, encoding: .utf8)) }
        }
    }

    static func serverConfiguration(_ configuration: HubConfiguration) throws -> TLSConfiguration {
        let chain = try load("tls.certificate", configuration.tls.certificate) { try NIOSSLCertificate.fromPEMFile($0) }
        let key = try load("tls.key", configuration.tls.key) { try NIOSSLPrivateKey(file: $0, format: .pem) }
        let roots = try load("tls.ca", configuration.tls.ca) { try NIOSSLCertificate.fromPEMFile($0) }
        return TLSProfile.applied(
            to: TLSConfiguration.makeServerConfigurationWithMTLS(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key), trustRoots: .certificates(roots)))
    }

    static func load<T>(_ key: String, _ path: String, _ read: (String) throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else {
            throw HubStoreError(description: "\(key): \(path) does not exist")
        }
        do {
            return try read(path)
        } catch {
            throw HubStoreError(description: "\(key): \(path) is not a readable PEM file (\(error))")
        }
    }
}
