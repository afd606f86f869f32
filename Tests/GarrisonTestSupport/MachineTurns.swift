import Testing

/// Suites that measure time on the wall clock (timeouts cut within a bound, a flood answered within a second)
/// and suites that load the machine in bursts (starting PostgreSQL clusters of their own) take turns: on two
/// cores the one starves the other, and a timing bound missed under a burst says nothing about the code.
/// `@Suite(.serialized, .takesTurns)`: the suite runs while no other such suite does.
public struct MachineTurn: SuiteTrait, TestScoping {
    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        await Self.turns.acquire()
        do {
            try await function()
        } catch {
            await Self.turns.release()
            throw error
        }
        await Self.turns.release()
    }

    static let turns = Turns()

    /// A first-come, first-served lock across the test process.
    actor Turns {
        private var busy = false
        private var waiting: [CheckedContinuation<Void, Never>] = []

        func acquire() async {
            guard busy else {
                busy = true
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        func release() {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
    }
}

extension Trait where Self == MachineTurn {
    /// Runs the suite while no other suite marked so runs (see `MachineTurn`).
    public static var takesTurns: MachineTurn { MachineTurn() }
}
