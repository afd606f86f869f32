import GarrisonCore
import Synchronization

/// What the units were told: every report a node's API acknowledged (201), by garrison, and the answers that
/// refused an action. The demo checks the hub and the national node against this.
final class DemoLedger: Sendable {
    private let state = Mutex(State())

    struct State {
        var made: [GarrisonCode: [String]] = [:]
        var actions = 0
        var refused: [String: Int] = [:]
        var unreachable = 0
    }

    func made(_ id: String, in garrison: GarrisonCode) { state.withLock { $0.made[garrison, default: []].append(id) } }
    func acted() { state.withLock { $0.actions += 1 } }
    func refused(_ what: String) { state.withLock { $0.refused[what, default: 0] += 1 } }
    func unreachable() { state.withLock { $0.unreachable += 1 } }

    var snapshot: State { state.withLock { $0 } }
    var madeCount: Int { state.withLock { $0.made.values.reduce(0) { $0 + $1.count } } }
    func made(in garrison: GarrisonCode) -> [String] { state.withLock { $0.made[garrison] ?? [] } }
}
