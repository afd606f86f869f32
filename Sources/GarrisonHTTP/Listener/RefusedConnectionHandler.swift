import Foundation
import NIOCore

/// First in the pipeline of a connection over its listener's cap: reads nothing, answers 503 problem+json on a
/// plain-HTTP listener (on TLS there is no handshake to answer through), and closes at once.
final class RefusedConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let answer503: Bool
    private var done = false

    init(answer503: Bool) { self.answer503 = answer503 }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context)
    }

    /// Whatever the peer sends is dropped: nothing behind this handler may see a refused connection's bytes.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    private func refuse(_ context: ChannelHandlerContext) {
        guard !done else { return }
        done = true
        guard answer503 else {
            context.close(promise: nil)
            return
        }
        let body = Self.problem
        let head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
            + "Content-Length: \(body.count)\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
        var buffer = context.channel.allocator.buffer(capacity: head.utf8.count + body.count)
        buffer.writeString(head)
        buffer.writeBytes(body)
        let channel = context.channel
        context.writeAndFlush(NIOAny(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }

    /// The same problem+json shape `Problem` answers with.
    static let problem: [UInt8] = {
        let body: [String: Any] = [
            "type": "https://garrison.invalid/problems/too_many_connections", "title": "Service Unavailable", "status": 503,
            "code": "too_many_connections", "detail": "the listener is at its connection limit; retry later",
        ]
        return Array((try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data())
    }()
}

@available(*, unavailable)
extension RefusedConnectionHandler: Sendable {}
