import GarrisonConfig

extension ListenerLimits {
    /// Reads `<prefix>.idle_timeout_seconds`, `<prefix>.header_timeout_seconds`, `<prefix>.body_timeout_seconds`
    /// and `<prefix>.max_connections`, each defaulting to `defaults`' value; errors name the key.
    public init(reader: ConfigReader, prefix: String, defaults: ListenerLimits) throws(ConfigError) {
        func seconds(_ key: String, _ fallback: Duration) throws(ConfigError) -> Duration {
            let fallbackSeconds = Double(fallback.components.seconds) + Double(fallback.components.attoseconds) / 1e18
            return try reader.seconds("\(prefix).\(key)", default: fallbackSeconds, in: 0.1...3600)
        }
        self.init(
            idleTimeout: try seconds("idle_timeout_seconds", defaults.idleTimeout),
            headerTimeout: try seconds("header_timeout_seconds", defaults.headerTimeout),
            bodyTimeout: try seconds("body_timeout_seconds", defaults.bodyTimeout),
            maxConnections: try reader.int("\(prefix).max_connections", default: defaults.maxConnections, in: 1...1_000_000))
    }
}
