import Foundation
import GarrisonConfig
import GarrisonHTTP
import PostgresNIO

/// The hub's configuration (`Config/hub.yaml`, each key overridable as `GARRISON_<KEY>`).
///
/// Keys:
/// - `listen.address`: the mutual-TLS sync and admin API, `host:port` (default `0.0.0.0:8443`).
/// - `ops.address`: plain-HTTP `/healthz`, `/readyz`, `/metrics` for local probes (default `127.0.0.1:9090`;
///   `off` disables it). The same three paths are also served on the TLS listener.
/// - `tls.certificate`, `tls.key`: the hub's server certificate and key (PEM); `tls.ca`: the deployment CA
///   whose client certificates are accepted.
/// - `database.host` (a host name, or a socket directory starting with `/`), `database.port` (5432),
///   `database.name` (`garrison`), `database.user` (`garrison_app`), `database.password`,
///   `database.pool_size` (20), `database.tls` (`disable`, `prefer`, `require`; default `disable`).
/// - `database.query_timeout_seconds` (30; 0 for none): the deadline of each statement, lock wait and idle moment
///   in a transaction (a request past it answers 503 and the transaction is rolled back);
///   `database.connect_timeout_seconds` (10).
/// - `database.migrate` (false): apply migrations at start-up as `migration.user` (`garrison_owner`) with
///   `migration.password`; otherwise run `garrison hub migrate` once per upgrade.
/// - `limits.max_body_bytes` (16 MiB), `limits.max_batch` (5,000 changes), `limits.max_pull` (5,000 entries),
///   `limits.max_wait_seconds` (30, the longest long-poll).
/// - `limits.idle_timeout_seconds` (30), `limits.header_timeout_seconds` (30), `limits.body_timeout_seconds` (60),
///   `limits.max_connections` (512): the bounds of the TLS, enrollment and ops listeners (see `ListenerLimits`);
///   the intake's own are `intake.idle_timeout_seconds` (5), `intake.header_timeout_seconds` (10),
///   `intake.body_timeout_seconds` (10), `intake.max_connections` (128).
/// - `limits.shutdown_grace_seconds` (10): how long a graceful shutdown may drain before what is left is
///   cancelled; keep it well under the unit's `TimeoutStopSec`.
/// - `hub.site_id` (`hub`): the hub's HLC site id.
/// - `tls.revocation_list`: a file of revoked certificate serials (one hex serial a line, see `RevocationList`);
///   read at start and again whenever it changes (checked every `tls.revocation_reload_seconds`, default 5).
/// - `enrollment.address` (`0.0.0.0:8444`, `off` disables): the listener where new nodes enroll with a one-time
///   token. It is TLS with the hub's certificate but asks for no client certificate (the node has none yet).
///   It needs `enrollment.ca_key`: the deployment CA's private key, with which the hub signs enrolled nodes'
///   certificates (`enrollment.certificate_days`, default 365). Without `enrollment.ca_key` it stays off.
/// - `intake.address` (`off` by default): the citizens' public intake, plain HTTP for a TLS-terminating proxy in
///   front; `intake.reports_per_device_per_day` (1), `intake.max_body_bytes` (64 KiB); `intake.counties`: the
///   counties' GeoJSON to route citizens' points by (without it the app must name the county's TERYT code).
///   Daily limits per Warsaw day: `intake.reports_per_address_per_day` (20) and
///   `intake.credentials_per_address_per_day` (10) per client address; `intake.trusted_proxies` (none): the
///   addresses/CIDRs whose `X-Forwarded-For` is believed. The device credentials' secret: `intake.device_secret`
///   (set it as `GARRISON_INTAKE_DEVICE_SECRET`) or `intake.device_secret_file`, at least 32 bytes; with neither
///   the hub makes one and keeps it in the database.
/// - `validation.counties` (defaults to `intake.counties`): the counties' GeoJSON every report's point is checked
///   against (a point must lie in its county); without it only Poland's bounding box is checked.
/// - `limits.max_clock_skew_seconds` (300): how far ahead of the hub's clock a pushed stamp or time may be; a
///   change beyond it is quarantined with `stamp_in_future` and its node told that its clock runs ahead.
/// - `rollout.seen_within_seconds` (900): how recently a garrison's node must have synced to be promoted to
///   live; `rollout.waves`: a waves file (`Config/rollout.yaml`) whose wave numbers the hub adopts at start.
public struct HubConfiguration: Sendable {
    public var listenHost: String
    public var listenPort: Int
    /// nil when the ops listener is off.
    public var opsAddress: (host: String, port: Int)?
    public var certificatePath: String
    public var keyPath: String
    public var caPath: String
    public var database: DatabaseSettings
    public var migrateOnStart: Bool
    public var migration: DatabaseSettings
    public var maxBodyBytes: Int
    public var maxBatch: Int
    public var maxPull: Int
    public var maxWait: Duration
    /// The bounds of the TLS, enrollment and ops listeners.
    public var listenerLimits: ListenerLimits
    /// The bounds of the public intake listener.
    public var intakeLimits: ListenerLimits
    /// How long a graceful shutdown may drain before the rest is cancelled.
    public var shutdownGrace: Duration
    public var siteID: String
    public var revocationListPath: String?
    public var revocationReload: Duration
    /// nil when enrollment is off.
    public var enrollmentAddress: (host: String, port: Int)?
    public var enrollmentCAKeyPath: String?
    public var enrollmentCertificateDays: Int
    public var rolloutGates: RolloutGates
    public var wavesPath: String?
    /// nil when the citizens' intake is off.
    public var intakeAddress: (host: String, port: Int)?
    public var intakeReportsPerDevicePerDay: Int
    public var intakeMaxBodyBytes: Int
    public var intakeCountiesPath: String?
    public var intakeReportsPerAddressPerDay: Int
    public var intakeCredentialsPerAddressPerDay: Int
    /// The proxies in front of the intake whose `X-Forwarded-For`/`Forwarded` name the client.
    public var intakeTrustedProxies: [AddressBlock]
    /// The configured secret of the device credentials (`intake.device_secret`); nil: the file, or the database's.
    public var intakeDeviceSecret: IntakeSecret?
    /// A file holding the secret (`intake.device_secret_file`), read when the intake starts.
    public var intakeDeviceSecretPath: String?
    /// The boundaries every report's point is checked against (nil: Poland's bounding box only).
    public var validationCountiesPath: String?
    public var maxClockSkew: Duration

    /// Reads every key, failing on the first missing or invalid one with a message naming it.
    public init(reader: ConfigReader) throws(ConfigError) {
        let listen = try reader.address("listen.address", default: "0.0.0.0:8443")
        listenHost = listen.host
        listenPort = listen.port
        opsAddress = reader.optionalString("ops.address") == "off" ? nil : try reader.address("ops.address", default: "127.0.0.1:9090")
        certificatePath = try reader.path("tls.certificate")
        keyPath = try reader.path("tls.key")
        caPath = try reader.path("tls.ca")
        database = try DatabaseSettings(reader: reader, prefix: "database", defaultUser: "garrison_app")
        migrateOnStart = try reader.bool("database.migrate", default: false)
        var migration = database
        migration.user = try reader.string("migration.user", default: "garrison_owner")
        migration.password = reader.optionalString("migration.password")
        migration.poolSize = 2
        migration.queryTimeoutSeconds = 0  // a migration takes what it takes; it runs once, by an operator
        self.migration = migration
        maxBodyBytes = try reader.int("limits.max_body_bytes", default: 16 << 20, in: 1024...(1 << 30))
        maxBatch = try reader.int("limits.max_batch", default: 5_000, in: 1...1_000_000)
        maxPull = try reader.int("limits.max_pull", default: 5_000, in: 1...1_000_000)
        maxWait = try reader.seconds("limits.max_wait_seconds", default: 30, in: 0...600)
        listenerLimits = try ListenerLimits(reader: reader, prefix: "limits", defaults: .standard)
        intakeLimits = try ListenerLimits(reader: reader, prefix: "intake", defaults: .publicListener)
        shutdownGrace = try reader.seconds("limits.shutdown_grace_seconds", default: 10, in: 1...300)
        siteID = try reader.string("hub.site_id", default: "hub")
        revocationListPath = reader.optionalString("tls.revocation_list") == nil ? nil : try reader.path("tls.revocation_list")
        revocationReload = try reader.seconds("tls.revocation_reload_seconds", default: 5, in: 1...3600)
        enrollmentCAKeyPath = reader.optionalString("enrollment.ca_key") == nil ? nil : try reader.path("enrollment.ca_key")
        let enrollmentOff = reader.optionalString("enrollment.address") == "off" || enrollmentCAKeyPath == nil
        enrollmentAddress = enrollmentOff ? nil : try reader.address("enrollment.address", default: "0.0.0.0:8444")
        enrollmentCertificateDays = try reader.int("enrollment.certificate_days", default: 365, in: 1...3650)
        rolloutGates = RolloutGates(seenWithin: try reader.seconds("rollout.seen_within_seconds", default: 900, in: 1...86_400 * 30))
        wavesPath = reader.optionalString("rollout.waves") == nil ? nil : try reader.path("rollout.waves")
        let intake = reader.optionalString("intake.address") ?? "off"
        intakeAddress = intake == "off" ? nil : try reader.address("intake.address")
        intakeReportsPerDevicePerDay = try reader.int("intake.reports_per_device_per_day", default: 1, in: 1...1000)
        intakeMaxBodyBytes = try reader.int("intake.max_body_bytes", default: 64 << 10, in: 1024...(1 << 20))
        intakeCountiesPath = reader.optionalString("intake.counties") == nil ? nil : try reader.path("intake.counties")
        intakeReportsPerAddressPerDay = try reader.int("intake.reports_per_address_per_day", default: 20, in: 1...10_000_000)
        intakeCredentialsPerAddressPerDay = try reader.int("intake.credentials_per_address_per_day", default: 10, in: 1...10_000_000)
        intakeTrustedProxies = []
        for entry in (reader.optionalString("intake.trusted_proxies") ?? "").split(separator: ",") {
            guard let block = AddressBlock(entry) else {
                throw reader.invalid("intake.trusted_proxies", "expected IP addresses or CIDR blocks separated by commas")
            }
            intakeTrustedProxies.append(block)
        }
        intakeDeviceSecret = nil
        if let text = reader.optionalString("intake.device_secret") {
            guard let secret = IntakeSecret(text: text) else {
                throw reader.invalid("intake.device_secret", "expected at least \(IntakeSecret.minimumBytes) bytes")
            }
            intakeDeviceSecret = secret
        }
        intakeDeviceSecretPath = reader.optionalString("intake.device_secret_file") == nil ? nil : try reader.path("intake.device_secret_file")
        if intakeDeviceSecret != nil, intakeDeviceSecretPath != nil {
            throw reader.invalid("intake.device_secret_file", "set intake.device_secret or intake.device_secret_file, not both")
        }
        validationCountiesPath = reader.optionalString("validation.counties") == nil
            ? intakeCountiesPath : try reader.path("validation.counties")
        maxClockSkew = try reader.seconds("limits.max_clock_skew_seconds", default: 300, in: 1...86_400)
    }
}

/// How to reach PostgreSQL as one role.
public struct DatabaseSettings: Sendable {
    public var host: String
    public var port: Int
    public var name: String
    public var user: String
    public var password: String?
    public var poolSize: Int
    public var tls: String
    /// The deadline of every statement, lock wait and idle moment inside a transaction, in seconds (0: none).
    /// Set as each connection's `statement_timeout`, `lock_timeout` and `idle_in_transaction_session_timeout`,
    /// so that no request waits on the database without end and no stalled transaction keeps its row locks.
    public var queryTimeoutSeconds: Int
    /// How long opening a connection may take, in seconds.
    public var connectTimeoutSeconds: Int

    public init(host: String, port: Int = 5432, name: String, user: String, password: String? = nil, poolSize: Int = 20,
                tls: String = "disable", queryTimeoutSeconds: Int = 30, connectTimeoutSeconds: Int = 10) {
        self.host = host
        self.port = port
        self.name = name
        self.user = user
        self.password = password
        self.poolSize = poolSize
        self.tls = tls
        self.queryTimeoutSeconds = queryTimeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    init(reader: ConfigReader, prefix: String, defaultUser: String) throws(ConfigError) {
        host = try reader.string("\(prefix).host", default: "127.0.0.1")
        port = try reader.int("\(prefix).port", default: 5432, in: 1...65_535)
        name = try reader.string("\(prefix).name", default: "garrison")
        user = try reader.string("\(prefix).user", default: defaultUser)
        password = reader.optionalString("\(prefix).password")
        poolSize = try reader.int("\(prefix).pool_size", default: 20, in: 1...500)
        queryTimeoutSeconds = try reader.int("\(prefix).query_timeout_seconds", default: 30, in: 0...3_600)
        connectTimeoutSeconds = try reader.int("\(prefix).connect_timeout_seconds", default: 10, in: 1...300)
        tls = try reader.string("\(prefix).tls", default: "disable")
        guard ["disable", "prefer", "require"].contains(tls) else {
            throw ConfigError(key: "\(prefix).tls", source: reader.raw("\(prefix).tls")!.source, problem: "expected disable, prefer or require")
        }
    }

    /// The PostgresNIO client configuration.
    public var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if host.hasPrefix("/") {
            configuration = .init(unixSocketPath: "\(host)/.s.PGSQL.\(port)", username: user, password: password, database: name)
        } else {
            let mode: PostgresClient.Configuration.TLS = switch tls {
            case "require": .require(.makeClientConfiguration())
            case "prefer": .prefer(.makeClientConfiguration())
            default: .disable
            }
            configuration = .init(host: host, port: port, username: user, password: password, database: name, tls: mode)
        }
        configuration.options.maximumConnections = poolSize
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(connectTimeoutSeconds)
        if queryTimeoutSeconds > 0 {
            let milliseconds = "\(queryTimeoutSeconds * 1_000)"
            configuration.options.additionalStartupParameters = [
                ("statement_timeout", milliseconds), ("lock_timeout", milliseconds),
                ("idle_in_transaction_session_timeout", milliseconds),
            ]
        }
        return configuration
    }
}
