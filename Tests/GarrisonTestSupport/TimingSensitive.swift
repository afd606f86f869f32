/// One timing-sensitive test at a time, across every test target of the process.
///
/// The listener-limit tests measure cuts to the half second, and the flood test holds hundreds of connections
/// and a hub process busy: run side by side on two cores, each made the other miss its clock (a slowloris test
/// saw its listener accept late and cut nothing within 10 s). Other tests still run beside them.
public enum TimingSensitive {
    private actor Gate {
        private var busy = false
        private var waiting: [CheckedContinuation<Void, Never>] = []

        func enter() async {
            guard busy else { busy = true; return }
            await withCheckedContinuation { waiting.append($0) }
        }

        func leave() {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
    }

    private static let gate = Gate()

    /// Runs `body` when no other timing-sensitive test runs.
    public static func exclusive<T>(_ body: () async throws -> T) async throws -> T {
        await gate.enter()
        do {
            let result = try await body()
            await gate.leave()
            return result
        } catch {
            await gate.leave()
            throw error
        }
    }
}
