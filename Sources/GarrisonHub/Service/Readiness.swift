import ServiceLifecycle
import Synchronization

/// Whether the hub can really serve, for `/readyz`: not while its start-up work runs (the database probe,
/// migrations, the waves, the catalogues), and no longer once it is stopping, so that a load balancer sends
/// requests only to a hub that will answer them.
final class Readiness: Sendable {
    enum Phase: Sendable, Equatable {
        case starting, serving, stopping
    }

    private let phase = Mutex<Phase>(.starting)

    var current: Phase { phase.withLock { $0 } }

    /// The start-up work is done: the hub serves.
    func serving() {
        phase.withLock { if $0 == .starting { $0 = .serving } }
    }

    /// A graceful shutdown began.
    func stopping() {
        phase.withLock { $0 = .stopping }
    }

    /// A service that marks the hub `stopping` as soon as a graceful shutdown begins.
    struct ShutdownWatch: Service {
        let readiness: Readiness

        func run() async throws {
            try? await gracefulShutdown()
            readiness.stopping()
        }
    }
}
