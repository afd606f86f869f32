import NIOCore
import NIOPosix
import Synchronization

/// A garrison's line to the hub: a small TCP forwarder between its node and the hub that the demo can sever.
///
/// Severed, it drops every open connection and closes new ones as soon as they arrive, as a cut line does; the
/// node sees failed requests, backs off and keeps taking its units' writes. Healed, it forwards again. TLS passes
/// through untouched: the node and the hub still authenticate each other end to end.
final class DemoLink: Sendable {
    let port: Int
    private let server: any Channel
    private let state = Mutex(State())

    struct State {
        var severed = false
        var open: [ObjectIdentifier: any Channel] = [:]
    }

    private init(port: Int, server: any Channel) {
        self.port = port
        self.server = server
    }

    /// Listens on a free port of 127.0.0.1 and forwards to the hub's `targetPort`.
    static func start(targetPort: Int, group: any EventLoopGroup) async throws -> DemoLink {
        let box = StateBox()
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { inbound in
                box.link.withLock { $0 }?.accept(inbound, targetPort: targetPort)
                    ?? inbound.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let link = DemoLink(port: server.localAddress?.port ?? 0, server: server)
        box.link.withLock { $0 = link }
        return link
    }

    /// Where the link is created before the bootstrap knows it.
    private final class StateBox: Sendable {
        let link = Mutex<DemoLink?>(nil)
    }

    var isSevered: Bool { state.withLock { $0.severed } }

    /// Cuts the line: open connections are dropped, new ones are closed on arrival.
    func sever() {
        let open = state.withLock { state in
            state.severed = true
            defer { state.open = [:] }
            return Array(state.open.values)
        }
        for channel in open { channel.close(promise: nil) }
    }

    /// Restores the line.
    func heal() { state.withLock { $0.severed = false } }

    /// Stops listening and drops every connection.
    func close() async {
        sever()
        let closed = server.eventLoop.makePromise(of: Void.self)
        server.close(promise: closed)
        try? await closed.futureResult.get()
    }

    private func accept(_ inbound: any Channel, targetPort: Int) -> EventLoopFuture<Void> {
        if isSevered { return inbound.close() }
        // The outbound connection lives on the inbound's event loop, so both handlers are set up there and the
        // inbound side does not read before its partner exists (the child is registered after this future).
        return ClientBootstrap(group: inbound.eventLoop)
            .connect(host: "127.0.0.1", port: targetPort)
            .flatMap { outbound in
                let added = inbound.eventLoop.makeCompletedFuture {
                    try inbound.pipeline.syncOperations.addHandler(Forwarder(partner: outbound))
                    try outbound.pipeline.syncOperations.addHandler(Forwarder(partner: inbound))
                }
                return added.map { self.track(inbound, outbound) }
            }
    }

    private func track(_ channels: any Channel...) {
        let severed = state.withLock { state in
            if !state.severed { for channel in channels { state.open[ObjectIdentifier(channel)] = channel } }
            return state.severed
        }
        if severed { for channel in channels { channel.close(promise: nil) } }
        for channel in channels {
            channel.closeFuture.whenComplete { [weak self] _ in
                _ = self?.state.withLock { $0.open.removeValue(forKey: ObjectIdentifier(channel)) }
            }
        }
    }
}

/// Copies what one side reads to the other; when either side closes, so does the other.
private final class Forwarder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let partner: any Channel

    init(partner: any Channel) { self.partner = partner }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
