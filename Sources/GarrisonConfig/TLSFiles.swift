/// The PEM files of a daemon's mutual TLS (`tls.certificate`, `tls.key`, `tls.ca`), each required.
public struct TLSFiles: Sendable, Hashable {
    /// The daemon's own certificate.
    public var certificate: String
    /// Its private key.
    public var key: String
    /// The deployment CA: the peers' certificates must chain to it.
    public var ca: String

    public init(certificate: String, key: String, ca: String) {
        self.certificate = certificate
        self.key = key
        self.ca = ca
    }

    /// Reads `certificate`, `key` and `ca` under `config` (scoped to `tls`).
    public init(config: ConfigSource) throws(ConfigError) {
        certificate = try config.path("certificate")
        key = try config.path("key")
        ca = try config.path("ca")
    }
}
