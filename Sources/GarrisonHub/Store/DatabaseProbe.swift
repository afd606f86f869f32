import Foundation
import GarrisonConfig
import Logging
import NIOPosix
import NIOSSL
import PostgresNIO

/// One connection attempt before anything waits on a pool: a pool retries a refused login without end (at
/// `info`), so a wrong password or a `pg_hba.conf` that does not let the role in would hang `garrison hub migrate`
/// and the hub's start. The probe fails at once, saying which role, where, and what to check.
public enum DatabaseProbe {
    /// Connects as `settings.user` within `settings.connectTimeoutSeconds`, runs `SELECT 1` and closes.
    /// - Parameter key: the configuration section (`database` or `migration`), named in the error.
    public static func check(_ settings: DatabaseSettings, key: String, logger: Logger) async throws {
        try await withConnection(settings, key: key, logger: logger) { connection in
            _ = try await connection.query("SELECT 1", logger: logger)
        }
    }

    /// Runs `body` on one connection as `settings.user`; the login and `body` together get the connect timeout
    /// plus 10 s. A refused login or an unreachable server throws a `HubStoreError` that says what to check.
    static func withConnection<T: Sendable>(
        _ settings: DatabaseSettings, key: String, logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let configuration = try settings.connectionConfiguration()
        let timeout = Duration.seconds(settings.connectTimeoutSeconds + 10)
        do {
            return try await HubStore.within(timeout) {
                let connection = try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 0, logger: logger)
                do {
                    let result = try await body(connection)
                    try? await connection.close()
                    return result
                } catch {
                    try? await connection.close()
                    throw error
                }
            }
        } catch is DatabaseDeadline {
            throw HubStoreError(description: "\(place(settings, key)): no answer within \(key).connect_timeout_seconds (\(settings.connectTimeoutSeconds) s) and 10 s more; is PostgreSQL running and reachable there?")
        } catch let error as PSQLError {
            throw HubStoreError(description: explain(error, settings, key: key))
        }
    }

    /// Words an operator can act on for a failed login or connection.
    static func explain(_ error: PSQLError, _ settings: DatabaseSettings, key: String) -> String {
        let state = error.serverInfo?[.sqlState] ?? ""
        let message = error.serverInfo?[.message] ?? String(describing: error.code)
        let password = ConfigSource.environmentName(for: "\(key).password")
        switch state {
        case "28P01", "28000":
            // 28P01 a wrong password; 28000 no pg_hba.conf line lets the role in this way (or peer/ident refused it).
            return "\(place(settings, key)): PostgreSQL refused the login (SQLSTATE \(state): \(message)). Check the "
                + "role's password (\(key).password, or \(password) in the unit's EnvironmentFile) and pg_hba.conf: "
                + "Debian's default lets a local-socket login in only as the OS user of the same name (peer), so "
                + "password roles connect over TCP (host: 127.0.0.1, a `host … scram-sha-256` line) — see deploy/README.md"
        case "3D000":
            return "\(place(settings, key)): database \"\(settings.name)\" does not exist (run deploy/postgres/roles.sql as a superuser)"
        default:
            return "\(place(settings, key)): \(message)\(state.isEmpty ? "" : " (SQLSTATE \(state))")"
        }
    }

    private static func place(_ settings: DatabaseSettings, _ key: String) -> String {
        "\(key): cannot connect as \(settings.user) to \(settings.name) at \(settings.host):\(settings.port)"
    }

}

extension DatabaseSettings {
    /// One connection's configuration, the same server, role and TLS as the pool's.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if host.hasPrefix("/") {
            configuration = .init(unixSocketPath: "\(host)/.s.PGSQL.\(port)", username: user, password: password, database: name)
        } else {
            let mode: PostgresConnection.Configuration.TLS = switch tls {
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .disable: .disable
            }
            configuration = .init(host: host, port: port, username: user, password: password, database: name, tls: mode)
        }
        configuration.options.connectTimeout = .seconds(Int64(connectTimeoutSeconds))
        return configuration
    }
}
