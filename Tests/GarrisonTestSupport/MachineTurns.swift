import Foundation
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
        if kind == .exclusive { await QuietMachine.wait(test.name) }
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

/// Unmarked suites (most of them, each light alone) still run beside a timing suite; when the test run starts they
/// all start at once, and for a minute or two both cores are saturated: a timing suite that got its turn then saw
/// its hub process starved for ten seconds in CI. It waits, after its turn and before it starts, until the machine
/// has half a core idle over a second, for at most 120 seconds.
enum QuietMachine {
    static func wait(_ name: String) async {
        let deadline = ContinuousClock.now + .seconds(120)
        var busy = 1.0
        while ContinuousClock.now < deadline {
            guard let before = cpuTimes() else { return }
            try? await Task.sleep(for: .seconds(1))
            guard let after = cpuTimes() else { return }
            let total = Double(after.total - before.total)
            busy = total > 0 ? 1 - Double(after.idle - before.idle) / total : 0
            if busy <= 0.75 { return }
        }
        print("machine turn: \(name) starts on a busy machine (\(Int(busy * 100)) % of the cores busy after 120 s)")
    }

    /// The machine's CPU time (all, idle with iowait) from /proc/stat, in clock ticks; nil where there is none.
    private static func cpuTimes() -> (total: Int64, idle: Int64)? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return nil }
        let fields = line.split(separator: " ").dropFirst().compactMap { Int64($0) }
        guard fields.count >= 5 else { return nil }
        return (fields.reduce(0, +), fields[3] + fields[4])
    }
}
