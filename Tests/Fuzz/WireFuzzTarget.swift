import Foundation

// libFuzzer's entry over the wire decoders, the validator and the merge (issue 13). Built by `run.sh` together
// with GarrisonCore's sources into one module, so it is not a SwiftPM target. Any trap (an arithmetic overflow on
// input, a failed precondition below) is a crash libFuzzer reports with the input that caused it.

private let now: Int64 = 1_750_000_000_000
private let validator = ChangeValidator()
private let applier = BatchApplier()
private let node = Principal(role: .node, garrison: "20", site: "node-20")
private let existing: ReportState = {
    var writer = ReportWriter(clock: HybridClock(site: "node-20"))
    let change = writer.create(
        .init(id: "01900000-0000-7000-8000-000000000001", garrison: "20", county: CountyCode("2061"), category: 16,
              description: "Samochody przy szkole", pillar: .directContact), nowMillis: now - 1_000)
    return MergeEngine.apply(change, to: nil, nowMillis: now).state
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    let decoder = JSONDecoder()
    if let received = try? decoder.decode(ReceivedPush.self, from: data), (try? received.validateEnvelope()) != nil {
        let (request, unreadable) = received.request(sender: node)
        let current = Dictionary(uniqueKeysWithValues: [(existing.reportID, existing)])
        let plan = applier.plan(request, from: node, highWater: 0, current: current, refused: unreadable, nowMillis: now)
        precondition(plan.applied + plan.quarantined.count + plan.skipped <= request.changes.count)
        for (id, state) in plan.states {
            // What was accepted merges idempotently and round-trips.
            for queued in request.changes where queued.change.reportID == id && unreadable[queued.seq] == nil {
                if (try? validator.validate(queued.change, current: state, from: node, nowMillis: now)) != nil {
                    _ = MergeEngine.apply(queued.change, to: state, nowMillis: now)
                }
            }
            let json = (try? JSONEncoder().encode(state)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            precondition(!json.contains("\\u0000"), "an accepted change holds a NUL")
        }
    }
    if let page = try? decoder.decode(PullPage.self, from: data), (try? page.validate(after: 0, limit: 5_000)) != nil {
        for entry in page.entries where (try? validator.validateReplica(entry.change, nowMillis: now)) != nil {
            // A replica merges a pulled change into its own state of that report (none for a new report).
            let current = entry.change.reportID == existing.reportID ? existing : nil
            let once = MergeEngine.apply(entry.change, to: current, nowMillis: now).state
            precondition(MergeEngine.apply(entry.change, to: once, nowMillis: now).state == once, "merge is not idempotent")
        }
    }
    if let change = try? decoder.decode(Change.self, from: data) {
        _ = try? validator.validate(change, current: existing, from: node, nowMillis: now)
        _ = try? validator.validateReplica(change, nowMillis: now)
    }
    if let ack = try? decoder.decode(PushAck.self, from: data) { _ = try? ack.validate() }
    _ = try? decoder.decode(CategoryCatalogue.self, from: data)
    _ = try? decoder.decode(SnapshotPage.self, from: data)
    return 0
}
