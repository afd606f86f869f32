/// The bounds on one listener's connections (DESIGN §6: every listener has timeouts and connection limits).
///
/// A connection is cut when it sends nothing between requests for `idleTimeout`, when a request's head is not
/// complete `headerTimeout` after the connection opened or the previous response ended (a slowloris trickling a
/// byte every few seconds), or when a request's body is not complete `bodyTimeout` after its head. While the
/// server prepares or writes an answer no timer runs, so a long-polling pull is never cut by them. Connections
/// beyond `maxConnections` are closed as soon as they are accepted (plain HTTP listeners first answer 503).
public struct ListenerLimits: Sendable, Hashable, CustomStringConvertible {
    /// No byte at all between two requests (or after the connection opened) for this long: closed.
    public var idleTimeout: Duration
    /// The whole request head must have arrived this long after the connection opened or the previous response.
    public var headerTimeout: Duration
    /// The whole request body must have arrived this long after its head.
    public var bodyTimeout: Duration
    /// Connections open at once on the listener; more are closed at once.
    public var maxConnections: Int

    /// Bounds as given.
    public init(idleTimeout: Duration, headerTimeout: Duration, bodyTimeout: Duration, maxConnections: Int) {
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnections = maxConnections
    }

    /// The defaults of listeners for the deployment's own parties (the mutual-TLS sync and admin API, enrollment,
    /// ops, a node's local API): keep-alive long enough for a node's next push, a pushed batch of a few MiB over
    /// a slow link.
    public static let standard = ListenerLimits(
        idleTimeout: .seconds(30), headerTimeout: .seconds(30), bodyTimeout: .seconds(60), maxConnections: 512)

    /// The defaults of a node's units' API: the units' applications keep idle pooled connections for up to a minute
    /// (AsyncHTTPClient's default is 60 s), and a server that closes one first races the client's next request on
    /// it ("connection reset by peer"), so the node waits longer than they do.
    public static let unitsAPI = ListenerLimits(
        idleTimeout: .seconds(75), headerTimeout: .seconds(75), bodyTimeout: .seconds(60), maxConnections: 512)

    /// The defaults of the public listener (citizens' intake): its requests are small and its clients anyone.
    public static let publicListener = ListenerLimits(
        idleTimeout: .seconds(5), headerTimeout: .seconds(10), bodyTimeout: .seconds(10), maxConnections: 128)

    public var description: String {
        "idle \(idleTimeout), header \(headerTimeout), body \(bodyTimeout), at most \(maxConnections) connections"
    }
}
