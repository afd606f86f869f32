import GarrisonTLS
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import NIOSSL

/// HTTP/1.1 child channel of a listener bounded by `ListenerLimits`, optionally over TLS: Hummingbird's
/// `HTTP1Channel` (decoder limits, quiescing at graceful shutdown, request handling), with the deadlines
/// handlers in front of and after its decoder, and the connection cap checked as each connection is accepted.
///
/// Hummingbird's own `idleTimeout` is not used: it is the header rule here (no part for N seconds after the
/// connection opened or the previous response), but it cannot tell an idle connection from one trickling
/// bytes, bounds a body only between two chunks, and says nothing of what it cut.
public struct LimitedHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    public typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    public let responder: HTTPChannelHandler.Responder
    let limits: ListenerLimits
    let stats: ListenerStats
    let tls: NIOSSLContext?

    /// A channel of `limits` answering with `responder`, over TLS when `tls` is given (one context for every
    /// connection, made once).
    public init(responder: @escaping HTTPChannelHandler.Responder, limits: ListenerLimits, stats: ListenerStats, tls: NIOSSLContext?) {
        self.responder = responder
        self.limits = limits
        self.stats = stats
        self.tls = tls
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        // Never a failed future here: NIO reports a failed child set-up to the server channel, which would end
        // Hummingbird's accept loop. A refused connection gets a pipeline that answers and closes instead.
        let admitted = stats.admit(limit: limits.maxConnections)
        let deadlines = ConnectionDeadlines(limits: limits, stats: stats, channel: channel, logger: logger)
        let handler = NIOLoopBound(RequestDeadlineHandler(deadlines), eventLoop: channel.eventLoop)
        return channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            if admitted {
                let stats = stats
                channel.closeFuture.whenComplete { _ in stats.release() }
                // First in the pipeline: it sees the connection open and every byte, TLS handshake included, so a
                // handshake that never ends is an idle (or slow-header) connection like any other.
                try pipeline.addHandler(InboundBytesWatcher(deadlines))
                if let tls { try pipeline.addHandler(NIOSSLServerHandler(context: tls)) }
            } else {
                stats.refuse(limit: limits.maxConnections, logger: logger)
                try pipeline.addHandler(RefusedConnectionHandler(answer503: tls == nil))
            }
        }.flatMap {
            HTTP1Channel(
                responder: responder,
                configuration: .init(additionalChannelHandlers: admitted ? [handler.value] : [], idleTimeout: nil)
            ).setup(channel: channel, logger: logger)
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 bounded by `limits` and counted in `stats`; over TLS when `tls` is given, restricted to the
    /// deployment's `TLSProfile` whatever `tls` says. Every listener of the hub and the node is made with this.
    public static func limited(_ limits: ListenerLimits, stats: ListenerStats, tls: TLSConfiguration? = nil) throws -> HTTPServerBuilder {
        let context = try tls.map { tls in
            var tls = TLSProfile.applied(to: tls)
            // A connection the server closes (cut, quiescing at shutdown) waits this long for the peer's
            // close_notify before it lets the socket go; NIOSSL's 5 s held every TLS listener's drain for 5 s.
            tls.shutdownTimeout = .seconds(1)
            return try NIOSSLContext(configuration: tls)
        }
        return HTTPServerBuilder { responder in
            LimitedHTTP1Channel(responder: responder, limits: limits, stats: stats, tls: context)
        }
    }
}
