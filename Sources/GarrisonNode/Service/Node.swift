import Foundation
import GarrisonCore
import GarrisonHTTP
import GarrisonHubClient
import GarrisonPKI
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import GarrisonSystemd
import ServiceLifecycle
import Synchronization
import UnixSignals

/// A garrison's node daemon (DESIGN §1): the SQLite store, the units' local API and the sync worker, run as
/// services with graceful shutdown. `garrison node` calls `buildNode(configuration:)`; tests do the same.
public final class Node: Sendable {
    public let configuration: NodeConfiguration
    public let store: NodeStore
    /// nil when `sync.enabled` is false (the node works offline only).
    public let worker: SyncWorker?
    let client: HubClient?
    let desk: UnitDesk
    let nationalDesk: NationalDesk
    let metrics = NodeMetrics()
    let clock: @Sendable () -> Int64
    let logger: Logger
    private let port = PortBox()
    /// The local API's connection figures.
    let apiStats = ListenerStats(name: "api")
    /// The running service group, and whether a shutdown was asked before it existed.
    private let group = Mutex<(group: ServiceGroup?, stopRequested: Bool)>((nil, false))

    init(configuration: NodeConfiguration, logger: Logger, clock: @escaping @Sendable () -> Int64) throws {
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        let certificatePEM = try Self.read("tls.certificate", configuration.tls.certificate)
        let keyPEM = try Self.read("tls.key", configuration.tls.key)
        let caPEM = try Self.read("tls.ca", configuration.tls.ca)
        let identity: CertificateIdentity
        do {
            identity = try CertificateIdentity(pem: certificatePEM)
        } catch {
            throw NodeStoreError("tls.certificate: \(configuration.tls.certificate): \(error.message)")
        }
        let expected: CertificateIdentity.Role = configuration.role == .national ? .national : .node
        guard identity.role == expected, let principal = identity.principal else {
            throw NodeStoreError(
                "node.role is \(configuration.role.rawValue) but tls.certificate names a \(identity.role.rawValue) (\(identity))")
        }
        guard identity.garrison == configuration.garrison else {
            throw NodeStoreError(
                "node.garrison is \(configuration.garrison?.rawValue ?? "-") but the certificate is for garrison "
                    + "\(identity.garrison?.rawValue ?? "-") (\(identity))")
        }
        store = try NodeStore(path: configuration.storePath, principal: principal, duplicateRule: configuration.duplicateRule)
        if let path = configuration.validationCountiesPath {
            do {
                store.adopt(boundaries: try CountyRouter.load(geoJSONAt: path))
            } catch {
                throw NodeStoreError("validation.counties: \(error)")
            }
        }
        desk = UnitDesk(store: store, clock: clock)
        nationalDesk = NationalDesk(store: store, clock: clock)
        if configuration.syncEnabled {
            let client = try HubClient(
                baseURL: configuration.hub.url, certificatePEM: certificatePEM, keyPEM: keyPEM, caPEM: caPEM,
                timeout: configuration.hub.requestTimeout, verifyHostname: configuration.hub.verifyHostname,
                connectAddress: configuration.hub.address,
                retryConnecting: false,  // the sync worker retries with its own backoff and counts each failure
                connections: configuration.feeds.count + configuration.sync.pushesInFlight + 2)
            self.client = client
            worker = try SyncWorker(
                store: store, client: client, settings: configuration.sync,
                feeds: configuration.role == .national ? configuration.feeds : nil, referenceRefresh: configuration.referenceRefresh,
                logger: logger.with("garrison", configuration.garrison?.rawValue ?? "national"), clock: clock)
        } else {
            client = nil
            worker = nil
        }
    }

    /// Runs until cancelled or, with `signals`, until SIGTERM/SIGINT: then the API stops accepting, requests in
    /// flight finish, a push in flight finishes and stores its acknowledgement.
    public func run(gracefulShutdownSignals: [UnixSignal] = []) async throws {
        // The store, the hub client's connections, event loops and logs: 64 beside the API's cap is ample.
        DescriptorBudget.check(caps: [(key: "api.max_connections", cap: configuration.api.limits.maxConnections)], reserve: 64, logger: logger)
        let router = Router(context: NodeRequestContext.self)
        router.middlewares.add(ProblemMiddleware(service: "node"))
        LocalAPI(node: self).register(on: router)
        let port = self.port
        let server: HTTPServerBuilder = try .limited(
            configuration.api.limits, stats: apiStats,
            tls: try configuration.api.tls.map { tls in try Self.serverTLS(certificate: tls.certificate, key: tls.key) })
        let app = Application(
            router: router, server: server,
            configuration: .init(address: .hostname(configuration.api.address.host, port: configuration.api.address.port), serverName: "garrison-node"),
            onServerRunning: { channel in port.value.withLock { $0 = channel.localAddress?.port } },
            logger: logger)
        var services: [any Service] = [app]
        if let worker { services.append(worker) }
        services.append(SystemdService(
            logger: logger, ready: { port.value.withLock { $0 } != nil },
            status: { [self] in
                guard let status = try? statusView() else { return "store unreadable" }
                return "queue \(status.queueDepth), oldest unacknowledged \(Int(status.oldestUnackedAgeSeconds ?? 0)) s, "
                    + "caught up \(status.caughtUp ? "yes" : "no"), lag \(status.pullLagMillis.map { "\($0) ms" } ?? "-")"
            },
            healthy: { [store] in (try? store.checkpoint()) != nil }))
        var groupConfiguration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: gracefulShutdownSignals, logger: logger)
        // A drain that outlasts the grace (a unit's client that never finishes its request, a hub that never
        // answers a push) is cancelled, so the daemon stops within its unit's TimeoutStopSec.
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownGrace
        // Past that, ServiceLifecycle stops the process itself (a fatal error): right for the daemon, which must
        // end within TimeoutStopSec, never for a hub or node running inside another process (tests, the demo).
        if !gracefulShutdownSignals.isEmpty { groupConfiguration.maximumCancellationDuration = .seconds(5) }
        let serviceGroup = ServiceGroup(configuration: groupConfiguration)
        // A shutdown asked while the node was still being built is not lost.
        if group.withLock({ $0.group = serviceGroup; return $0.stopRequested }) { await serviceGroup.triggerGracefulShutdown() }
        logger.info("node starting", metadata: [
            "role": "\(configuration.role.rawValue)", "garrison": "\(configuration.garrison?.rawValue ?? "-")", "site": "\(store.principal.site)", "store": "\(configuration.storePath)",
            "api": "\(configuration.api.address.host):\(configuration.api.address.port)", "hub": "\(configuration.syncEnabled ? configuration.hub.url : "off")",
        ])
        do {
            try await serviceGroup.run()
        } catch {
            try? await client?.shutdown()
            throw error
        }
        try? await client?.shutdown()
    }

    /// Starts a graceful shutdown, as SIGTERM does.
    public func shutdown() async {
        await group.withLock { $0.stopRequested = true; return $0.group }?.triggerGracefulShutdown()
    }

    /// The local API's port, waiting up to `timeout` for it to start (a configured port 0 picks a free one).
    public func boundPort(timeout: Duration = .seconds(30)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = port.value.withLock({ $0 }) { return port }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw NodeStoreError("the node's local API did not start within \(timeout)")
    }

    private static func read(_ key: String, _ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NodeStoreError("\(key): \(path) does not exist or cannot be read")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func serverTLS(certificate: String, key: String) throws -> TLSConfiguration {
        do {
            // The listener builder restricts it to the deployment's TLS profile.
            return TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        } catch {
            throw NodeStoreError("api.tls.certificate/api.tls.key: cannot be read as PEM (\(error))")
        }
    }
}

/// The local API's bound port, learned once it runs.
final class PortBox: Sendable {
    let value = Mutex<Int?>(nil)
}

/// Builds a node from its configuration (DESIGN §1: `@main` stays thin, tests call this).
public func buildNode(
    configuration: NodeConfiguration, logger: Logger = Logger(label: "garrison.node"),
    clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
) throws -> Node {
    try Node(configuration: configuration, logger: logger, clock: clock)
}

extension Logger {
    func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy[metadataKey: key] = "\(value)"
        return copy
    }
}
