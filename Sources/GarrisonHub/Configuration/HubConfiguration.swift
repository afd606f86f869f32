import GarrisonConfig
import GarrisonHTTP

/// The hub's configuration (`Config/hub.yaml`, each key overridable as `GARRISON_<KEY>`), one typed part per
/// component. Every key, its default and what it does is documented in `Config/hub.yaml`; a test holds the file
/// and the reads here to the same set of keys.
public struct HubConfiguration: Sendable {
    /// `listen.address`: the mutual-TLS sync and admin API (default `0.0.0.0:8443`).
    public var listen: HostPort
    /// `ops.address`: plain-HTTP `/healthz`, `/readyz`, `/metrics` for local probes (default `127.0.0.1:9090`);
    /// nil when `off`.
    public var ops: HostPort?
    /// `tls.*`: the hub's certificate and key, and the CA whose client certificates are accepted.
    public var tls: TLSFiles
    /// `tls.revocation_list`, `tls.revocation_reload_seconds`.
    public var revocation: RevocationSettings
    /// `database.*`: the application role's connection.
    public var database: DatabaseSettings
    /// `database.migrate`, `migration.*`: the owner role's connection and whether migrations run at start.
    public var migration: MigrationSettings
    /// `limits.*`: request sizes, long-polls, the listeners' bounds, the shutdown's grace, the clock skew allowed.
    public var limits: HubLimits
    /// `enrollment.*`: the listener where new nodes enroll with a one-time token.
    public var enrollment: EnrollmentSettings
    /// `intake.*`: the citizens' public intake.
    public var intake: IntakeSettings
    /// `rollout.*`: the promotion gates and the waves file.
    public var rollout: RolloutSettings
    /// `validation.counties` (defaults to `intake.counties`): the boundaries every report's point is checked
    /// against; nil: Poland's bounding box only.
    public var validationCountiesPath: String?
    /// `hub.site_id` (`hub`): the hub's HLC site id.
    public var siteID: String

    /// Reads every key, failing on the first missing or invalid one with a message naming it and its variable.
    public init(config: ConfigSource) throws(ConfigError) {
        listen = try config.address("listen.address", default: "0.0.0.0:8443")
        ops = try config.listener("ops.address", default: "127.0.0.1:9090")
        tls = try TLSFiles(config: config.scoped(to: "tls"))
        revocation = try RevocationSettings(config: config.scoped(to: "tls"))
        database = try DatabaseSettings(config: config.scoped(to: "database"), defaultUser: "garrison_app")
        migration = try MigrationSettings(config: config, application: database)
        limits = try HubLimits(config: config.scoped(to: "limits"))
        enrollment = try EnrollmentSettings(config: config.scoped(to: "enrollment"))
        intake = try IntakeSettings(config: config.scoped(to: "intake"))
        rollout = try RolloutSettings(config: config.scoped(to: "rollout"))
        validationCountiesPath = config.optionalPath("validation.counties") ?? intake.countiesPath
        siteID = try config.string("hub.site_id", default: "hub")
    }
}

/// The revoked certificates' serials (`tls.revocation_list`, see `RevocationList`), read at start and again
/// whenever the file changes, checked every `tls.revocation_reload_seconds` (5).
public struct RevocationSettings: Sendable {
    public var listPath: String?
    public var reload: Duration

    init(config: ConfigSource) throws(ConfigError) {
        listPath = config.optionalPath("revocation_list")
        reload = try config.seconds("revocation_reload_seconds", default: 5, in: 1...3600)
    }
}

/// The hub's bounds (`limits.*`).
public struct HubLimits: Sendable {
    /// `max_body_bytes` (16 MiB): larger request bodies get 413.
    public var maxBodyBytes: Int
    /// `max_batch` (5,000): changes per push.
    public var maxBatch: Int
    /// `max_pull` (5,000): the largest page a pull or snapshot may ask for.
    public var maxPull: Int
    /// `max_wait_seconds` (30): the longest long-poll.
    public var maxWait: Duration
    /// `idle_timeout_seconds` (30), `header_timeout_seconds` (30), `body_timeout_seconds` (60),
    /// `max_connections` (512): the bounds of the TLS, enrollment and ops listeners.
    public var listeners: ListenerLimits
    /// `shutdown_grace_seconds` (10): how long a graceful shutdown drains before the rest is cancelled.
    public var shutdownGrace: Duration
    /// `max_clock_skew_seconds` (300): how far ahead of the hub's clock a pushed stamp or time may be.
    public var maxClockSkew: Duration

    init(config: ConfigSource) throws(ConfigError) {
        maxBodyBytes = try config.int("max_body_bytes", default: 16 << 20, in: 1024...(1 << 30))
        maxBatch = try config.int("max_batch", default: 5_000, in: 1...1_000_000)
        maxPull = try config.int("max_pull", default: 5_000, in: 1...1_000_000)
        maxWait = try config.seconds("max_wait_seconds", default: 30, in: 0...600)
        listeners = try ListenerLimits(config: config, defaults: .standard)
        shutdownGrace = try config.seconds("shutdown_grace_seconds", default: 10, in: 1...300)
        maxClockSkew = try config.seconds("max_clock_skew_seconds", default: 300, in: 1...86_400)
    }
}

/// Where nodes enroll (`enrollment.*`): TLS with the hub's certificate, no client certificate asked.
public struct EnrollmentSettings: Sendable {
    /// `address` (`0.0.0.0:8444`); nil when `off` or without `ca_key`.
    public var address: HostPort?
    /// `ca_key`: the deployment CA's private key, with which the hub signs enrolled nodes' certificates.
    public var caKeyPath: String?
    /// `certificate_days` (365): an enrolled node's certificate's validity.
    public var certificateDays: Int

    init(config: ConfigSource) throws(ConfigError) {
        caKeyPath = config.optionalPath("ca_key")
        let address = try config.listener("address", default: "0.0.0.0:8444")
        self.address = caKeyPath == nil ? nil : address
        certificateDays = try config.int("certificate_days", default: 365, in: 1...3650)
    }
}

/// The rollout (`rollout.*`).
public struct RolloutSettings: Sendable {
    /// `seen_within_seconds` (900): how recently a garrison's node must have synced to be promoted to live.
    public var gates: RolloutGates
    /// `waves`: the waves file (`Config/rollout.yaml`) whose wave numbers the hub adopts at start.
    public var wavesPath: String?

    init(config: ConfigSource) throws(ConfigError) {
        gates = RolloutGates(seenWithin: try config.seconds("seen_within_seconds", default: 900, in: 1...86_400 * 30))
        wavesPath = config.optionalPath("waves")
    }
}
