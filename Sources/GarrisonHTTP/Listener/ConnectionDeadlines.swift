import Logging
import NIOCore
import NIOHTTPTypes

/// One connection's deadlines (see `ListenerLimits`), fed by the two handlers that watch the connection: the
/// bytes arriving (first in the pipeline: the HTTP decoder says nothing until a whole head is in) and the HTTP
/// parts (after the decoder).
/// Lives on the channel's event loop only.
final class ConnectionDeadlines {
    /// What the connection is doing.
    enum Phase: Equatable {
        /// Between requests (or just opened), nothing of the next request received.
        case waiting
        /// Some bytes of a request head received, not all of it.
        case readingHead
        /// The head is in, the body is arriving.
        case readingBody
        /// The request is in; the server prepares or writes the answer. No timer runs: the handler's own
        /// deadlines apply (a long-polling pull waits up to its `wait`).
        case responding
    }

    private(set) var phase: Phase = .waiting
    /// Requests read whose response has not ended (more than one when a client pipelines).
    private var responsesOwed = 0
    private var started = false
    private var stopped = false
    private var idleTimer: Scheduled<Void>?
    private var headerTimer: Scheduled<Void>?
    private var bodyTimer: Scheduled<Void>?
    private let limits: ListenerLimits
    private let stats: ListenerStats
    private let channel: any Channel
    private let logger: Logger

    init(limits: ListenerLimits, stats: ListenerStats, channel: any Channel, logger: Logger) {
        self.limits = limits
        self.stats = stats
        self.channel = channel
        self.logger = logger
    }

    /// The connection is active: the first request's clocks start.
    func begin() {
        guard !started else { return }
        started = true
        armWaiting()
    }

    /// Bytes arrived from the peer (decrypted, on a TLS listener).
    func bytesArrived() {
        guard phase == .waiting else { return }
        phase = .readingHead
        idleTimer?.cancel()
        idleTimer = nil
    }

    /// A whole request head was decoded.
    func headArrived() {
        cancelAll()
        responsesOwed += 1
        phase = .readingBody
        guard !stopped else { return }
        bodyTimer = schedule(limits.bodyTimeout) { $0.expired(.body, when: [.readingBody]) }
    }

    /// The request's end was decoded.
    func requestEnded() {
        bodyTimer?.cancel()
        bodyTimer = nil
        phase = .responding
    }

    /// A response's end was written.
    func responseEnded() {
        responsesOwed = max(0, responsesOwed - 1)
        guard responsesOwed == 0, phase == .responding else { return }
        armWaiting()
    }

    /// The connection closed or the handlers left: no timer may fire any more.
    func stop() {
        cancelAll()
        (started, stopped) = (true, true)
    }

    private func armWaiting() {
        cancelAll()
        guard !stopped else { return }
        phase = .waiting
        idleTimer = schedule(limits.idleTimeout) { $0.expired(.idle, when: [.waiting]) }
        headerTimer = schedule(limits.headerTimeout) { $0.expired(.header, when: [.waiting, .readingHead]) }
    }

    private func expired(_ cut: ListenerStats.Cut, when phases: [Phase]) {
        guard phases.contains(phase), channel.isActive else { return }
        // A header deadline reached with nothing received is an idle connection (idle_timeout ≥ header_timeout).
        let cause: ListenerStats.Cut = cut == .header && phase == .waiting ? .idle : cut
        stats.count(cause)
        logger.debug("connection cut", metadata: [
            "listener": "\(stats.name)", "cause": "\(cause.rawValue)",
            "peer": "\(channel.remoteAddress.map { "\($0)" } ?? "-")",
        ])
        cancelAll()
        channel.close(promise: nil)
    }

    private func schedule(_ delay: Duration, _ action: @escaping (ConnectionDeadlines) -> Void) -> Scheduled<Void> {
        channel.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) { [self] in action(self) }
    }

    private func cancelAll() {
        for timer in [idleTimer, headerTimer, bodyTimer] { timer?.cancel() }
        (idleTimer, headerTimer, bodyTimer) = (nil, nil, nil)
    }
}

/// Watches the connection open and the bytes arriving, first in the pipeline (the HTTP decoder only speaks once
/// a whole head is in, and TLS only once its handshake is done).
final class InboundBytesWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadlines: ConnectionDeadlines

    init(_ deadlines: ConnectionDeadlines) { self.deadlines = deadlines }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { deadlines.begin() }
    }

    func channelActive(context: ChannelHandlerContext) {
        deadlines.begin()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadlines.stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadlines.bytesArrived()
        context.fireChannelRead(data)
    }
}

/// Watches the HTTP parts: heads and ends of requests coming in, ends of responses going out.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let deadlines: ConnectionDeadlines

    init(_ deadlines: ConnectionDeadlines) { self.deadlines = deadlines }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { deadlines.begin() }
    }

    func handlerRemoved(context: ChannelHandlerContext) { deadlines.stop() }

    func channelActive(context: ChannelHandlerContext) {
        deadlines.begin()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadlines.stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: deadlines.headArrived()
        case .body: break
        case .end: deadlines.requestEnded()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { deadlines.responseEnded() }
        context.write(data, promise: promise)
    }
}

@available(*, unavailable)
extension ConnectionDeadlines: Sendable {}
@available(*, unavailable)
extension InboundBytesWatcher: Sendable {}
@available(*, unavailable)
extension RequestDeadlineHandler: Sendable {}
