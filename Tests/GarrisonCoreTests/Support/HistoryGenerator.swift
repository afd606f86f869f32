import GarrisonCore

/// Makes random but realistic write histories: several sites, each with its own replica that sees a random
/// subset of the others' changes, writing fields, statuses (with reopens) and notes on a few reports. Bases
/// therefore come out as they would in the field: sometimes current, sometimes stale (concurrent writes).
struct HistoryGenerator {
    var random: SplitMix64
    let sites: [SiteID] = ["node-20", "node-22", "national", "hub", "node-KSP"]

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &random) < p }

    /// A history of changes over `reports` reports.
    mutating func history(reports: Int = 2, steps: Int = 24) -> [Change] {
        var writers = sites.map { ReportWriter(clock: HybridClock(site: $0)) }
        var replicas = [[String: ReportState]](repeating: [:], count: sites.count)
        var all: [Change] = []
        var now: Int64 = 1_700_000_000_000
        let ids = (0..<reports).map { "r\($0)" }
        for step in 0..<steps {
            // Clocks drift: sometimes time stands still, so counters and site tie-breaks get exercised.
            now += Int64(chance(0.3) ? 0 : int(0...40))
            let site = int(0...(sites.count - 1))
            // Deliver a random subset of the history to this site first (partial knowledge).
            for change in all where chance(0.6) {
                replicas[site][change.reportID] = MergeEngine.apply(
                    change, to: replicas[site][change.reportID], nowMillis: now
                ).state
                writers[site].observe(change, nowMillis: now)
            }
            let id = ids[int(0...(ids.count - 1))]
            let change: Change
            if let state = replicas[site][id] {
                change = update(&writers[site], state, now: now, step: step)
            } else {
                change = writers[site].create(
                    .init(id: id, garrison: "20", county: CountyCode("2061"), category: int(1...24),
                          description: "report \(id) from \(sites[site])", pillar: .directContact),
                    nowMillis: now)
            }
            replicas[site][id] = MergeEngine.apply(change, to: replicas[site][id], nowMillis: now).state
            all.append(change)
        }
        return all
    }

    private mutating func update(_ writer: inout ReportWriter, _ state: ReportState, now: Int64, step: Int) -> Change {
        switch int(0...4) {
        case 0:
            return writer.set([.description: .string("edit \(step)")], on: state, nowMillis: now)
        case 1:
            return writer.set([.hidden: .bool(chance(0.5)), .unit: .string("KPP-20\(10 + int(0...9))")],
                              on: state, nowMillis: now)
        case 2:
            return writer.addNote(id: "n\(step)", author: writer.site.rawValue, text: "note \(step)", to: state,
                                  nowMillis: now)
        default:
            let current = state.status?.status ?? .nowe
            let options = Array(current.next)
            if options.isEmpty || (current.canReopen && chance(0.3)) {
                if current.canReopen, let change = try? writer.moveStatus(of: state, to: .weryfikacja, reopen: true, nowMillis: now) {
                    return change
                }
                return writer.set([.description: .string("edit \(step)")], on: state, nowMillis: now)
            }
            let target = options.sorted { $0.rawValue < $1.rawValue }[int(0...(options.count - 1))]
            return try! writer.moveStatus(of: state, to: target, nowMillis: now)
        }
    }

    /// Applies `changes` in order to an empty replica.
    static func replay(_ changes: [Change]) -> [String: ReportState] {
        var replica: [String: ReportState] = [:]
        for change in changes {
            replica[change.reportID] = MergeEngine.apply(change, to: replica[change.reportID], nowMillis: 0).state
        }
        return replica
    }

    /// A random delivery: a permutation of `changes` with some duplicated.
    mutating func delivery(of changes: [Change]) -> [Change] {
        var delivered = changes
        for change in changes where chance(0.25) { delivered.append(change) }
        delivered.shuffle(using: &random)
        return delivered
    }
}
