import Hummingbird
import NIOCore

/// The intake listener's request context: it keeps the TCP peer's address, which the per-address limits start
/// from (`ClientAddress`).
struct IntakeRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
