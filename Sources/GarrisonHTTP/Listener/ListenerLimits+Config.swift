import GarrisonConfig

extension ListenerLimits {
    /// Reads `idle_timeout_seconds`, `header_timeout_seconds`, `body_timeout_seconds` and `max_connections` under
    /// `config` (scoped to the listener's section), each defaulting to `defaults`' value; errors name the key.
    public init(config: ConfigSource, defaults: ListenerLimits) throws(ConfigError) {
        func seconds(_ key: String, _ fallback: Duration) throws(ConfigError) -> Duration {
            let fallbackSeconds = Double(fallback.components.seconds) + Double(fallback.components.attoseconds) / 1e18
            return try config.seconds(key, default: fallbackSeconds, in: 0.1...3600)
        }
        self.init(
            idleTimeout: try seconds("idle_timeout_seconds", defaults.idleTimeout),
            headerTimeout: try seconds("header_timeout_seconds", defaults.headerTimeout),
            bodyTimeout: try seconds("body_timeout_seconds", defaults.bodyTimeout),
            maxConnections: try config.int("max_connections", default: defaults.maxConnections, in: 1...1_000_000))
    }
}
