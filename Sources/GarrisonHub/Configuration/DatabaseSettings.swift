import GarrisonConfig
import PostgresNIO

/// How to reach PostgreSQL as one role (`database.*`; the owner's `migration.*` takes the rest from there).
public struct DatabaseSettings: Sendable {
    /// A host name, or a Unix socket directory (starts with `/`).
    public var host: String
    public var port: Int
    public var name: String
    public var user: String
    public var password: String?
    public var poolSize: Int
    /// TLS to a TCP host (a socket needs none).
    public var tls: DatabaseTLS
    /// The deadline of every statement, lock wait and idle moment inside a transaction, in seconds (0: none).
    /// Set as each connection's `statement_timeout`, `lock_timeout` and `idle_in_transaction_session_timeout`,
    /// so that no request waits on the database without end and no stalled transaction keeps its row locks.
    public var queryTimeoutSeconds: Int
    /// How long opening a connection may take, in seconds.
    public var connectTimeoutSeconds: Int

    public init(host: String, port: Int = 5432, name: String, user: String, password: String? = nil, poolSize: Int = 20,
                tls: DatabaseTLS = .disable, queryTimeoutSeconds: Int = 30, connectTimeoutSeconds: Int = 10) {
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

    /// Reads the keys under `config` (scoped to `database`).
    init(config: ConfigSource, defaultUser: String) throws(ConfigError) {
        host = try config.string("host", default: "127.0.0.1")
        port = try config.int("port", default: 5432, in: 1...65_535)
        name = try config.string("name", default: "garrison")
        user = try config.string("user", default: defaultUser)
        password = config.secret("password")
        poolSize = try config.int("pool_size", default: 20, in: 1...500)
        queryTimeoutSeconds = try config.int("query_timeout_seconds", default: 30, in: 0...3_600)
        connectTimeoutSeconds = try config.int("connect_timeout_seconds", default: 10, in: 1...300)
        guard let tls = DatabaseTLS(rawValue: try config.string("tls", default: DatabaseTLS.disable.rawValue)) else {
            throw config.invalid("tls", "expected disable, prefer or require")
        }
        self.tls = tls
    }

    /// The PostgresNIO client configuration.
    public var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if host.hasPrefix("/") {
            configuration = .init(unixSocketPath: "\(host)/.s.PGSQL.\(port)", username: user, password: password, database: name)
        } else {
            let mode: PostgresClient.Configuration.TLS = switch tls {
            case .require: .require(.makeClientConfiguration())
            case .prefer: .prefer(.makeClientConfiguration())
            case .disable: .disable
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

/// `database.tls`: whether the connection to a TCP host is encrypted (`prefer` tries, `require` insists).
public enum DatabaseTLS: String, Sendable, Hashable {
    case disable, prefer, require
}

/// The owner role that applies migrations (`migration.user`, `migration.password`, the rest as `database.*`)
/// and whether the hub applies them at start (`database.migrate`, false: run `garrison hub migrate`).
public struct MigrationSettings: Sendable {
    public var onStart: Bool
    public var database: DatabaseSettings

    init(config: ConfigSource, application: DatabaseSettings) throws(ConfigError) {
        onStart = try config.bool("database.migrate", default: false)
        var owner = application
        owner.user = try config.string("migration.user", default: "garrison_owner")
        owner.password = config.secret("migration.password")
        owner.poolSize = 2
        owner.queryTimeoutSeconds = 0  // a migration takes what it takes; it runs once, by an operator
        database = owner
    }
}
