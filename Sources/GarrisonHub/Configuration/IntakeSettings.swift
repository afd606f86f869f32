import GarrisonConfig
import GarrisonHTTP

/// The citizens' public intake (`intake.*`): plain HTTP for a TLS-terminating proxy in front.
public struct IntakeSettings: Sendable {
    /// `address` (`off` by default); nil when off.
    public var address: HostPort?
    /// `idle_timeout_seconds` (5), `header_timeout_seconds` (10), `body_timeout_seconds` (10),
    /// `max_connections` (128): the public listener's own bounds.
    public var limits: ListenerLimits
    /// `reports_per_device_per_day` (1): the KMZB rule.
    public var reportsPerDevicePerDay: Int
    /// `max_body_bytes` (64 KiB).
    public var maxBodyBytes: Int
    /// `counties`: the counties' GeoJSON to route citizens' points by (without it the app names the county).
    public var countiesPath: String?
    /// `reports_per_address_per_day` (20) per client address (an IPv6 client: its /64).
    public var reportsPerAddressPerDay: Int
    /// `credentials_per_address_per_day` (10) per client address.
    public var credentialsPerAddressPerDay: Int
    /// `trusted_proxies` (none): the proxies whose `X-Forwarded-For`/`Forwarded` name the client.
    public var trustedProxies: [AddressBlock]
    /// `device_secret` (set it as `GARRISON_INTAKE_DEVICE_SECRET`): the device credentials' secret; nil: the
    /// file's, or the database's.
    public var deviceSecret: IntakeSecret?
    /// `device_secret_file`: a file holding the secret, read when the intake starts.
    public var deviceSecretPath: String?

    init(config: ConfigSource) throws(ConfigError) {
        address = try config.listener("address", default: nil)
        limits = try ListenerLimits(config: config, defaults: .publicListener)
        reportsPerDevicePerDay = try config.int("reports_per_device_per_day", default: 1, in: 1...1000)
        maxBodyBytes = try config.int("max_body_bytes", default: 64 << 10, in: 1024...(1 << 20))
        countiesPath = config.optionalPath("counties")
        reportsPerAddressPerDay = try config.int("reports_per_address_per_day", default: 20, in: 1...10_000_000)
        credentialsPerAddressPerDay = try config.int("credentials_per_address_per_day", default: 10, in: 1...10_000_000)
        trustedProxies = []
        for entry in config.list("trusted_proxies") {
            guard let block = AddressBlock(entry) else {
                throw config.invalid("trusted_proxies", "expected IP addresses or CIDR blocks (a YAML list, or separated by commas)")
            }
            trustedProxies.append(block)
        }
        deviceSecret = nil
        if let text = config.secret("device_secret") {
            guard let secret = IntakeSecret(text: text) else {
                throw config.invalid("device_secret", "expected at least \(IntakeSecret.minimumBytes) bytes")
            }
            deviceSecret = secret
        }
        deviceSecretPath = config.optionalPath("device_secret_file")
        if deviceSecret != nil, deviceSecretPath != nil {
            throw config.invalid("device_secret_file", "set intake.device_secret or intake.device_secret_file, not both")
        }
    }
}
