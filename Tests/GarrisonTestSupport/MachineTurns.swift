import Testing

/// Suites that measure time on the wall clock (timeouts cut within a bound, a flood answered within a second,
/// a stop within its grace) run alone among the suites marked here; suites that load the machine in bursts
/// (PostgreSQL clusters of their own, many processes killed, thousands of seeded runs, several hubs at once) run
/// beside each other but never beside a timing suite. On two cores the one starves the other, and a timing bound
/// missed under a burst says nothing about the code.
///
/// `@Suite(.serialized, .takesTurns)` for a timing suite, `@Suite(.loadsTheMachine)` for a heavy one.
public struct MachineTurn: SuiteTrait, TestScoping {
    /// Alone (timing), or beside other shared holders (load).
    public enum Kind: Sendable {
        case exclusive, shared
    }

    public let kind: Kind

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        await Self.turns.acquire(kind)
        do {
            try await function()
        } catch {
            await Self.turns.release(kind)
            throw error
        }
        await Self.turns.release(kind)
    }

    static let turns = Turns()

    /// A first-come, first-served readers-writer lock across the test process: a waiting exclusive holder keeps
    /// later shared ones from overtaking it.
    actor Turns {
        private var exclusiveHeld = false
        private var sharedHeld = 0
        private var waiting: [(kind: Kind, continuation: CheckedContinuation<Void, Never>)] = []

        func acquire(_ kind: Kind) async {
            if waiting.isEmpty, grantable(kind) {
                take(kind)
                return
            }
            await withCheckedContinuation { waiting.append((kind, $0)) }
        }

        func release(_ kind: Kind) {
            switch kind {
            case .exclusive: exclusiveHeld = false
            case .shared: sharedHeld -= 1
            }
            while let first = waiting.first, grantable(first.kind) {
                waiting.removeFirst()
                take(first.kind)
                first.continuation.resume()
            }
        }

        private func grantable(_ kind: Kind) -> Bool {
            switch kind {
            case .exclusive: !exclusiveHeld && sharedHeld == 0
            case .shared: !exclusiveHeld
            }
        }

        private func take(_ kind: Kind) {
            switch kind {
            case .exclusive: exclusiveHeld = true
            case .shared: sharedHeld += 1
            }
        }
    }
}

extension Trait where Self == MachineTurn {
    /// A suite that measures time on the wall clock: it runs while no other marked suite does.
    public static var takesTurns: MachineTurn { MachineTurn(kind: .exclusive) }

    /// A suite that loads the machine in bursts: it runs beside other such suites, never beside a timing one.
    public static var loadsTheMachine: MachineTurn { MachineTurn(kind: .shared) }
}
