import Foundation
import GarrisonConfig
import GarrisonCore
import GarrisonHTTP

/// A node's configuration (`Config/node.yaml`, each key overridable as `GARRISON_<KEY>`).
///
/// Keys:
/// - `node.role`: `node` (a garrison's node, the default) or `national` (the national node: it follows every
///   garrison's feed, each with its own cursor); it must match the certificate's role.
/// - `node.garrison`: the garrison a `node` serves (`KSP`, `02` … `32`); it must match the certificate.
/// - `national.garrisons`: the garrisons the national node follows, comma-separated (default: all 17).
/// - `national.duplicates.enabled` (true), `national.duplicates.distance_m` (300), `national.duplicates.window_hours`
///   (72): the national node links reports of two garrisons with one category, this close in space and time.
/// - `store.path`: the SQLite database (default `/var/lib/garrison/node.sqlite`); its directory must exist.
/// - `hub.url`: the hub's mutual-TLS address, `https://host:port`; `hub.verify_hostname` (true): the hub's
///   certificate must name the URL's host; `hub.address`: connect to this address (an IP or another name)
///   instead of resolving the URL's host, still verifying the certificate against the URL's host name;
///   `hub.request_timeout_seconds` (60; must exceed `sync.pull_wait_seconds`).
/// - `tls.certificate`, `tls.key`: the node's client certificate and key; `tls.ca`: the deployment CA.
/// - `api.address`: the units' local API, `host:port` (default `127.0.0.1:8080`); `api.tls.certificate` and
///   `api.tls.key` (both or neither) serve it over HTTPS; `api.max_body_bytes` (1 MiB); its connection bounds
///   `api.idle_timeout_seconds` (75), `api.header_timeout_seconds` (75), `api.body_timeout_seconds` (60),
///   `api.max_connections` (512) (see `ListenerLimits`).
/// - `node.shutdown_grace_seconds` (10): how long a graceful shutdown may drain before what is left is
///   cancelled; keep it well under the unit's `TimeoutStopSec`.
/// - `sync.push_batch` (1,000), `sync.pull_limit` (1,000), `sync.pull_wait_seconds` (20),
///   `sync.backoff_base_ms` (500), `sync.backoff_ceiling_ms` (60,000), `sync.refused_backoff_base_ms` (5,000),
///   `sync.refused_backoff_ceiling_ms` (300,000), `sync.pushes_in_flight` (2: the next batch is sent while the hub
///   applies one), `sync.set_aside_after` (5: refusals of one change alone, by a hub that otherwise answers,
///   before the change is set aside and the rest of the queue drains).
/// - `sync.reference_refresh_seconds` (60): how often the category catalogue versions (and, at the national node,
///   the garrisons' rollout phases) are read from the hub.
/// - `sync.enabled` (true): false keeps the node working offline only (units' writes queue up).
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
    public var hubURL: String
    public var verifyHostname: Bool
    /// Where to connect instead of resolving `hubURL`'s host (the certificate is still checked against that host).
    public var hubAddress: String?
    public var requestTimeout: Duration
    public var certificatePath: String
    public var keyPath: String
    public var caPath: String
    public var apiHost: String
    public var apiPort: Int
    public var apiTLS: (certificate: String, key: String)?
    public var maxBodyBytes: Int
    /// The bounds of the local API's listener.
    public var apiLimits: ListenerLimits
    /// How long a graceful shutdown may drain before the rest is cancelled.
    public var shutdownGrace: Duration
    public var sync: SyncSettings
    public var syncEnabled: Bool
    /// How often the catalogue versions (and, national, the garrisons' phases) are read from the hub.
    public var referenceRefresh: Duration

    /// Reads every key, failing on the first missing or invalid one with a message naming it.
    public init(reader: ConfigReader) throws(ConfigError) {
        switch try reader.string("node.role", default: "node") {
        case "node":
            role = .node
            let code = try reader.string("node.garrison")
            guard GarrisonRegistry.standard.contains(GarrisonCode(rawValue: code)) else {
                throw reader.invalid(
                    "node.garrison", "no garrison has code \"\(code)\" (KSP, or a voivodeship code 02, 04 … 32)")
            }
            garrison = GarrisonCode(rawValue: code)
            feeds = [GarrisonCode(rawValue: code)]
            duplicateRule = nil
        case "national":
            role = .national
            garrison = nil
            let all = GarrisonRegistry.standard.garrisons.map(\.code)
            let listed = reader.optionalString("national.garrisons").map {
                $0.split(separator: ",").map { GarrisonCode(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
            } ?? all
            if let unknown = listed.first(where: { !GarrisonRegistry.standard.contains($0) }) {
                throw reader.invalid("national.garrisons", "no garrison has code \"\(unknown)\"")
            }
            guard !listed.isEmpty else { throw reader.invalid("national.garrisons", "names no garrison") }
            feeds = listed
            duplicateRule = try reader.bool("national.duplicates.enabled", default: true)
                ? DuplicateRule(
                    distanceMeters: Double(try reader.int("national.duplicates.distance_m", default: 300, in: 1...50_000)),
                    windowMillis: Int64(try reader.int("national.duplicates.window_hours", default: 72, in: 1...24 * 365)) * 3_600_000)
                : nil
        case let other:
            throw reader.invalid("node.role", "is node or national, not \"\(other)\"")
        }
        storePath = try reader.path("store.path", default: "/var/lib/garrison/node.sqlite")
        validationCountiesPath = reader.optionalString("validation.counties") == nil ? nil : try reader.path("validation.counties")
        hubURL = try reader.string("hub.url")
        guard hubURL.hasPrefix("https://") else {
            throw reader.invalid(
                "hub.url", "the hub is reached over HTTPS (mutual TLS): the URL starts with https://")
        }
        verifyHostname = try reader.bool("hub.verify_hostname", default: true)
        hubAddress = reader.optionalString("hub.address")
        certificatePath = try reader.path("tls.certificate")
        keyPath = try reader.path("tls.key")
        caPath = try reader.path("tls.ca")
        let api = try reader.address("api.address", default: "127.0.0.1:8080")
        (apiHost, apiPort) = (api.host, api.port)
        switch (reader.optionalString("api.tls.certificate"), reader.optionalString("api.tls.key")) {
        case (nil, nil):
            apiTLS = nil
        case (.some, .some):
            apiTLS = (try reader.path("api.tls.certificate"), try reader.path("api.tls.key"))
        case (nil, .some):
            throw reader.invalid("api.tls.certificate", "is missing while api.tls.key is set: set both or neither")
        case (.some, nil):
            throw reader.invalid("api.tls.key", "is missing while api.tls.certificate is set: set both or neither")
        }
        maxBodyBytes = try reader.int("api.max_body_bytes", default: 1 << 20, in: 1024...(64 << 20))
        apiLimits = try ListenerLimits(reader: reader, prefix: "api", defaults: .unitsAPI)
        shutdownGrace = try reader.seconds("node.shutdown_grace_seconds", default: 10, in: 1...300)
        let pullWait = try reader.int("sync.pull_wait_seconds", default: 20, in: 0...300)
        let timeout = try reader.int("hub.request_timeout_seconds", default: 60, in: 1...3600)
        guard timeout > pullWait else {
            throw reader.invalid(
                "hub.request_timeout_seconds", "\(timeout) s must exceed sync.pull_wait_seconds (\(pullWait) s), or every long-poll times out")
        }
        requestTimeout = .seconds(timeout)
        let base = try reader.int("sync.backoff_base_ms", default: 500, in: 1...3_600_000)
        let ceiling = try reader.int("sync.backoff_ceiling_ms", default: 60_000, in: base...86_400_000)
        let refusedBase = try reader.int("sync.refused_backoff_base_ms", default: 5_000, in: 1...3_600_000)
        let refusedCeiling = try reader.int(
            "sync.refused_backoff_ceiling_ms", default: 300_000, in: refusedBase...86_400_000)
        sync = SyncSettings(
            pushBatchLimit: try reader.int("sync.push_batch", default: 1_000, in: 1...5_000),
            pullLimit: try reader.int("sync.pull_limit", default: 1_000, in: 1...5_000),
            pullWaitSeconds: pullWait,
            backoff: Backoff(baseMillis: Int64(base), ceilingMillis: Int64(ceiling)),
            refusedBackoff: Backoff(baseMillis: Int64(refusedBase), ceilingMillis: Int64(refusedCeiling)),
            pushesInFlight: try reader.int("sync.pushes_in_flight", default: 2, in: 1...4),
            setAsideAfter: try reader.int("sync.set_aside_after", default: 5, in: 1...1_000))
        syncEnabled = try reader.bool("sync.enabled", default: true)
        referenceRefresh = .seconds(try reader.int("sync.reference_refresh_seconds", default: 60, in: 1...86_400))
    }
}
