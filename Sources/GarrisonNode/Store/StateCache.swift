import GarrisonCore
import Synchronization

/// Recently written report states, so that applying a pulled page (mostly this node's own changes coming back
/// from the hub) does not decode each state from its JSON again. Filled and read only inside write
/// transactions, which SQLite serialises; emptied when a write transaction fails, so it never holds a state the
/// database does not.
final class StateCache: Sendable {
    private let limit: Int
    private let states = Mutex<[String: ReportState]>([:])

    init(limit: Int = 20_000) { self.limit = limit }

    func get(_ id: String) -> ReportState? { states.withLock { $0[id] } }

    func put(_ state: ReportState) {
        states.withLock { states in
            // Emptying when full is the simplest bound; the working set refills from the next page.
            if states.count >= limit, states[state.reportID] == nil { states.removeAll(keepingCapacity: true) }
            states[state.reportID] = state
        }
    }

    func clear() { states.withLock { $0.removeAll() } }
}
