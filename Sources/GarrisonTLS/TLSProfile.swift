import NIOSSL

/// The deployment's one TLS profile, for every listener and every client: Mozilla's "intermediate"
/// recommendation (https://wiki.mozilla.org/Security/Server_Side_TLS), in the one place it is written down.
///
/// TLS 1.3 and 1.2 only. For TLS 1.2 only forward-secret ECDHE key exchange with AEAD ciphers (AES-GCM,
/// ChaCha20-Poly1305); the CBC-SHA1 suites BoringSSL's defaults still offer are left out. Mozilla's list also
/// names the DHE-RSA suites, which BoringSSL does not implement. TLS 1.3 suites are all AEAD and BoringSSL
/// does not let them be chosen, so they stay as they are.
public enum TLSProfile {
    /// The TLS 1.2 suites, in order of preference.
    public static let tls12CipherSuites: [NIOTLSCipher] = [
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]

    /// The lowest protocol version spoken.
    public static let minimumVersion: TLSVersion = .tlsv12

    /// `configuration` restricted to the profile (server or client alike).
    public static func applied(to configuration: TLSConfiguration) -> TLSConfiguration {
        var configuration = configuration
        configuration.minimumTLSVersion = minimumVersion
        configuration.cipherSuiteValues = tls12CipherSuites
        return configuration
    }
}
