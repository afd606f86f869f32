import Foundation
import GarrisonConfig
import GarrisonCore
import GarrisonHTTP

/// A node's configuration (`Config/node.yaml`, `Config/national.yaml` for the national node; each key overridable
/// as `GARRISON_<KEY>`), one typed part per component. Every key, its default and what it does is documented in
/// those files; a test holds them and the reads here to the same set of keys.
///
/// - `node.role`: `node` (a garrison's node, the default) or `national` (the national node: it follows every
///   garrison's feed, each with its own cursor); it must match the certificate's role.
/// - `node.garrison`: the garrison a `node` serves (`KSP`, `02` … `32`); it must match the certificate.
/// - `national.garrisons`: the garrisons the national node follows (default: all 17).
/// - `national.duplicates.enabled` (true), `national.duplicates.distance_m` (300), `national.duplicates.window_hours`
///   (72): the national node links reports of two garrisons with one category, this close in space and time.
/// - `store.path`: the SQLite database (default `/var/lib/garrison/node.sqlite`); its directory must exist.
/// - `hub.*` (`HubLink`), `tls.*` (`TLSFiles`), `api.*` (`UnitsAPISettings`).
/// - `node.shutdown_grace_seconds` (10): how long a graceful shutdown may drain before what is left is cancelled.
/// - `sync.*`: see `SyncSettings` and `Config/node.yaml`; `sync.enabled` (true), `sync.reference_refresh_seconds` (60).
/// - `validation.counties`: the counties' GeoJSON (`powiaty.geojson`); with it a unit's report must lie inside
///   its county (422 `location_outside_county`), as the hub checks with its own `validation.counties`.
public struct NodeConfiguration: Sendable {
    /// `.node` or `.national`.
    public var role: Principal.Role
    /// The garrison a `.node` serves; nil for the national node.
    public var garrison: GarrisonCode?
    /// The garrisons whose feeds this node pulls: its own, or (national) every followed garrison.
    public var feeds: [GarrisonCode]
    /// The national node's cross-border duplicate rule; nil when off (and on a garrison's node).
    public var duplicateRule: DuplicateRule?
    public var storePath: String
    /// The counties' GeoJSON every local write's point is checked against (`validation.counties`); nil: only the
    /// register and Poland's bounding box are checked.
    public var validationCountiesPath: String?
    /// How the hub is reached.
    public var hub: HubLink
    /// The node's client certificate and key, and the CA the hub's certificate must chain to.
    public var tls: TLSFiles
    /// The units' local API.
    public var api: UnitsAPISettings
    /// How long a graceful shutdown may drain before the rest is cancelled.
    public var shutdownGrace: Duration
    public var sync: SyncSettings
    public var syncEnabled: Bool
    /// How often the catalogue versions (and, national, the garrisons' phases) are read from the hub.
    public var referenceRefresh: Duration

    /// Reads every key, failing on the first missing or invalid one with a message naming it and its variable.
    public init(config: ConfigSource) throws(ConfigError) {
        switch try config.string("node.role", default: "node") {
        case "node":
            role = .node
            let code = try config.string("node.garrison")
            guard GarrisonRegistry.standard.contains(GarrisonCode(rawValue: code)) else {
                throw config.invalid(
                    "node.garrison", "no garrison has code \"\(code)\" (KSP, or a voivodeship code 02, 04 … 32)")
            }
            garrison = GarrisonCode(rawValue: code)
            feeds = [GarrisonCode(rawValue: code)]
            duplicateRule = nil
        case "national":
            role = .national
            garrison = nil
            let all = GarrisonRegistry.standard.garrisons.map(\.code)
            let named = config.list("national.garrisons").map { GarrisonCode(rawValue: $0) }
            let listed = config.isSet("national.garrisons") ? named : all
            if let unknown = listed.first(where: { !GarrisonRegistry.standard.contains($0) }) {
                throw config.invalid("national.garrisons", "no garrison has code \"\(unknown)\"")
            }
            guard !listed.isEmpty else { throw config.invalid("national.garrisons", "names no garrison") }
            feeds = listed
            let duplicates = config.scoped(to: "national.duplicates")
            duplicateRule = try duplicates.bool("enabled", default: true)
                ? DuplicateRule(
                    distanceMeters: Double(try duplicates.int("distance_m", default: 300, in: 1...50_000)),
                    windowMillis: Int64(try duplicates.int("window_hours", default: 72, in: 1...24 * 365)) * 3_600_000)
                : nil
        case let other:
            throw config.invalid("node.role", "is node or national, not \"\(other)\"")
        }
        storePath = try config.path("store.path", default: "/var/lib/garrison/node.sqlite")
        validationCountiesPath = config.optionalPath("validation.counties")
        let sync = config.scoped(to: "sync")
        let pullWait = try sync.int("pull_wait_seconds", default: 20, in: 0...300)
        hub = try HubLink(config: config.scoped(to: "hub"), pullWaitSeconds: pullWait)
        tls = try TLSFiles(config: config.scoped(to: "tls"))
        api = try UnitsAPISettings(config: config.scoped(to: "api"))
        shutdownGrace = try config.seconds("node.shutdown_grace_seconds", default: 10, in: 1...300)
        let base = try sync.int("backoff_base_ms", default: 500, in: 1...3_600_000)
        let ceiling = try sync.int("backoff_ceiling_ms", default: 60_000, in: base...86_400_000)
        let refusedBase = try sync.int("refused_backoff_base_ms", default: 5_000, in: 1...3_600_000)
        let refusedCeiling = try sync.int("refused_backoff_ceiling_ms", default: 300_000, in: refusedBase...86_400_000)
        self.sync = SyncSettings(
            pushBatchLimit: try sync.int("push_batch", default: 1_000, in: 1...5_000),
            pullLimit: try sync.int("pull_limit", default: 1_000, in: 1...5_000),
            pullWaitSeconds: pullWait,
            backoff: Backoff(baseMillis: Int64(base), ceilingMillis: Int64(ceiling)),
            refusedBackoff: Backoff(baseMillis: Int64(refusedBase), ceilingMillis: Int64(refusedCeiling)),
            pushesInFlight: try sync.int("pushes_in_flight", default: 2, in: 1...4),
            setAsideAfter: try sync.int("set_aside_after", default: 5, in: 1...1_000))
        syncEnabled = try sync.bool("enabled", default: true)
        referenceRefresh = .seconds(try sync.int("reference_refresh_seconds", default: 60, in: 1...86_400))
    }
}

/// How the node reaches the hub (`hub.*`).
public struct HubLink: Sendable {
    /// `url`: the hub's mutual-TLS address, `https://host:port`.
    public var url: String
    /// `verify_hostname` (true): the hub's certificate must name the URL's host.
    public var verifyHostname: Bool
    /// `address`: connect here (an IP or another name) instead of resolving the URL's host, still verifying the
    /// certificate against the URL's host name.
    public var address: String?
    /// `request_timeout_seconds` (60): per request; it must exceed `sync.pull_wait_seconds`.
    public var requestTimeout: Duration

    init(config: ConfigSource, pullWaitSeconds: Int) throws(ConfigError) {
        url = try config.string("url")
        guard url.hasPrefix("https://") else {
            throw config.invalid("url", "the hub is reached over HTTPS (mutual TLS): the URL starts with https://")
        }
        verifyHostname = try config.bool("verify_hostname", default: true)
        address = config.optionalString("address")
        let timeout = try config.int("request_timeout_seconds", default: 60, in: 1...3600)
        guard timeout > pullWaitSeconds else {
            throw config.invalid(
                "request_timeout_seconds",
                "\(timeout) s must exceed sync.pull_wait_seconds (\(pullWaitSeconds) s), or every long-poll times out")
        }
        requestTimeout = .seconds(timeout)
    }
}

/// The units' local API (`api.*`).
public struct UnitsAPISettings: Sendable {
    /// `address` (`127.0.0.1:8080`).
    public var address: HostPort
    /// `tls.certificate` and `tls.key` (both or neither): serve the API over HTTPS.
    public var tls: (certificate: String, key: String)?
    /// `max_body_bytes` (1 MiB).
    public var maxBodyBytes: Int
    /// `idle_timeout_seconds` (75), `header_timeout_seconds` (75), `body_timeout_seconds` (60),
    /// `max_connections` (512): see `ListenerLimits`.
    public var limits: ListenerLimits

    init(config: ConfigSource) throws(ConfigError) {
        address = try config.address("address", default: "127.0.0.1:8080")
        switch (config.optionalPath("tls.certificate"), config.optionalPath("tls.key")) {
        case (nil, nil):
            tls = nil
        case (let certificate?, let key?):
            tls = (certificate, key)
        case (nil, .some):
            throw config.invalid("tls.certificate", "is missing while api.tls.key is set: set both or neither")
        case (.some, nil):
            throw config.invalid("tls.key", "is missing while api.tls.certificate is set: set both or neither")
        }
        maxBodyBytes = try config.int("max_body_bytes", default: 1 << 20, in: 1024...(64 << 20))
        limits = try ListenerLimits(config: config, defaults: .unitsAPI)
    }
}
