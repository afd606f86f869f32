import GarrisonCore
import Testing

/// The attacker's findings against the validator and the merge (issue 13), each refused with a stable code
/// naming the field, none trapping.
@Suite("Hostile changes")
struct HostileChangeTests {
    let validator = ChangeValidator()
    let now: Int64 = 1_700_000_000_000

    func code(
        _ change: Change, current: ReportState? = nil, from sender: Principal? = nil, validator: ChangeValidator? = nil
    ) -> (code: ProblemCode, field: String?)? {
        do {
            try (validator ?? self.validator).validate(change, current: current, from: sender, nowMillis: now)
            return nil
        } catch {
            return (error.code, error.field)
        }
    }

    func created(_ f: inout Fixtures, _ report: ReportWriter.NewReport = Fixtures.newReport()) -> (Change, ReportState) {
        let change = f.node.create(report, nowMillis: now)
        return (change, MergeEngine.apply(change, to: nil, nowMillis: now).state)
    }

    @Test("finding 1: an epoch of Int.max on a stale base is refused, and nothing adds one to a stored huge epoch")
    func hugeEpoch() throws {
        var f = Fixtures()
        let (_, state) = created(&f)
        var write = try f.node.moveStatus(of: state, to: .weryfikacja, nowMillis: now + 1)
        write.status?.epoch = Int.max
        write.status?.base = HLC(wallMillis: 1, counter: 0, site: "node-20")
        #expect(code(write, current: state, from: f.nodePrincipal)?.code == "invalid_epoch")
        // A state that already holds a huge epoch (stored before this check existed): a reopen throws, never traps.
        var poisoned = state
        poisoned.status = StatusRegister(status: .potwierdzone, epoch: Int.max, stamp: HLC(wallMillis: now, counter: 9, site: "node-20"))
        #expect(throws: ValidationError.self) { try f.node.moveStatus(of: poisoned, to: .weryfikacja, reopen: true, nowMillis: now + 2) }
        let step = try f.node.moveStatus(of: poisoned, to: .wyeliminowane, nowMillis: now + 3)
        #expect(code(step, current: poisoned, from: f.nodePrincipal)?.code == "invalid_epoch")
    }

    @Test("finding 2: NUL and other control characters are refused in every text, naming the field", arguments: [
        "\u{0}", "\u{1B}[2J", "\u{7F}", "\u{85}", "a\u{FFFF}",
    ])
    func controlCharacters(_ bad: String) throws {
        var f = Fixtures()
        var report = Fixtures.newReport()
        report.description = "Przy szkole" + bad
        #expect(code(f.node.create(report, nowMillis: now))?.field == "description")
        let (_, state) = created(&f)
        var random = SplitMix64(seed: 13)
        let note = f.node.addNote(id: UUIDv7.make(millis: now, using: &random), author: "KMP-2061", text: "note" + bad, to: state, nowMillis: now + 1)
        #expect(code(note, current: state)?.code == "invalid_text")
        let card = VerificationCard(openedAtMillis: now, openedBy: "KMP-2061", findings: "found" + bad)
        #expect(code(f.node.set([.card: card.fieldValue], on: state, nowMillis: now + 2), current: state)?.field == "card.findings")
        #expect(code(f.node.set([.handover: .string("Straż" + bad)], on: state, nowMillis: now + 3), current: state)?.field == "handover")
        report = Fixtures.newReport(id: "0190a3f2-7c1e-7b3a-9f00-12345678\u{0}0ab")
        #expect(code(f.node.create(report, nowMillis: now))?.code == "invalid_id")
    }

    @Test("multi-line texts keep tab, line feed and carriage return")
    func multiline() {
        var f = Fixtures()
        var report = Fixtures.newReport()
        report.description = "Pierwsza linia\r\nDruga\tlinia"
        #expect(code(f.node.create(report, nowMillis: now)) == nil)
    }

    @Test("finding 3: a stamp from the future is refused with stamp_in_future")
    func futureStamp() {
        var f = Fixtures()
        let (_, state) = created(&f)
        var edit = f.node.set([.description: .string("later")], on: state, nowMillis: now + 1)
        let fiftyYears: Int64 = 50 * 365 * 86_400_000
        edit.fields[.description]?.stamp = HLC(wallMillis: now + fiftyYears, counter: 0, site: "node-20")
        #expect(code(edit, current: state, from: f.nodePrincipal)?.code == "stamp_in_future")
        edit.fields[.description]?.stamp = HLC(wallMillis: now + 60_000, counter: 0, site: "node-20")
        #expect(code(edit, current: state, from: f.nodePrincipal) == nil)  // within the five minutes allowed
        var time = f.node.set([.readAt: .int(now + fiftyYears)], on: state, nowMillis: now + 1)
        #expect(code(time, current: state, from: f.nodePrincipal)?.code == "stamp_in_future")
        time.fields[.readAt]?.value = .int(Int64.min)
        #expect(code(time, current: state, from: f.nodePrincipal)?.code == "invalid_time")
    }

    @Test("finding 5: a base-less or stale status write still follows the flow")
    func staleStatus() throws {
        var f = Fixtures()
        let (_, state) = created(&f)
        var jump = try f.node.moveStatus(of: state, to: .weryfikacja, nowMillis: now + 1)
        jump.status?.status = .potwierdzone
        jump.status?.base = nil
        #expect(code(jump, current: state, from: f.nodePrincipal)?.code == "invalid_transition")
        jump.status?.epoch = 7
        jump.status?.base = HLC(wallMillis: 1, counter: 0, site: "node-20")
        #expect(code(jump, current: state, from: f.nodePrincipal)?.code == "invalid_transition")
        var back = try f.node.moveStatus(of: state, to: .weryfikacja, nowMillis: now + 1)
        back.status?.status = .nowe
        back.status?.base = HLC(wallMillis: 1, counter: 0, site: "node-20")
        #expect(code(back, current: state, from: f.nodePrincipal)?.code == "invalid_transition")
    }

    @Test("finding 5: origin and stamp sites are the sender's; the hub's site is reserved")
    func provenance() {
        var f = Fixtures()
        var change = created(&f).0
        change.origin = "hub"
        #expect(code(change, from: f.nodePrincipal)?.code == "foreign_site")
        change = created(&f).0
        change.fields[.description]?.stamp = HLC(wallMillis: now, counter: 0, site: "node-22")
        #expect(code(change, from: f.nodePrincipal)?.code == "foreign_site")
        var hubNode = ReportWriter(clock: HybridClock(site: "hub"))
        #expect(code(hubNode.create(Fixtures.newReport(), nowMillis: now), from: Principal(role: .node, garrison: "20", site: "hub"))?.code
            == "reserved_site")
        #expect(code(created(&f).0, from: f.nodePrincipal) == nil)
    }

    @Test("finding 5: a unit of another garrison, or not the county's unit, is refused")
    func units() {
        var f = Fixtures()
        var report = Fixtures.newReport()
        report.unit = "KMP-2261"  // Gdańsk, garrison 22
        #expect(code(f.node.create(report, nowMillis: now))?.code == "unit_of_other_garrison")
        report.unit = "KPP-2061"  // 2061 is Białystok, a city: its unit is a KMP
        #expect(code(f.node.create(report, nowMillis: now))?.code == "invalid_unit")
        report.unit = "KPP-2002"
        #expect(code(f.node.create(report, nowMillis: now)) == nil)
    }

    @Test("finding 5: counties outside the TERYT register are refused", arguments: ["2099", "2050", "1400"])
    func unknownCounties(_ county: String) {
        var f = Fixtures()
        var change = created(&f).0
        change.fields[.county]?.value = .string(county)
        #expect(["unknown_county", "invalid_teryt"].contains(code(change)?.code))
        #expect(CountyRegister.standard.counties.count == 380)
    }

    @Test("finding 5: points in Belarus, Kaliningrad and Lviv are refused where boundaries are configured", arguments: [
        (53.68, 23.83), (54.71, 20.51), (49.84, 24.03), (52.09, 23.69),
    ])
    func foreignPoints(latitude: Double, longitude: Double) throws {
        let bounded = ChangeValidator(boundaries: try RoutingReferenceData.router())
        var f = Fixtures()
        var report = Fixtures.newReport()
        report.location = Coordinate(latitude: latitude, longitude: longitude)
        #expect(code(f.node.create(report, nowMillis: now), validator: bounded)?.code == "outside_poland")
    }

    @Test("a point in another county than the report's is refused; one inside passes")
    func pointInCounty() throws {
        let bounded = ChangeValidator(boundaries: try RoutingReferenceData.router())
        var f = Fixtures()
        #expect(code(f.node.create(Fixtures.newReport(), nowMillis: now), validator: bounded) == nil)  // Białystok, 2061
        var report = Fixtures.newReport()
        report.county = CountyCode("2002")
        #expect(code(f.node.create(report, nowMillis: now), validator: bounded)?.code == "location_outside_county")
    }

    @Test("finding 5: lengths count scalars and bytes, not grapheme clusters")
    func combiningMarks() {
        var f = Fixtures()
        var report = Fixtures.newReport()
        report.description = "a" + String(repeating: "\u{301}", count: 100_000)
        #expect(report.description.count == 1)
        #expect(code(f.node.create(report, nowMillis: now))?.code == "description_too_long")
    }

    @Test("sequence numbers: 1…2^53, strictly increasing within a batch")
    func sequences() {
        #expect(throws: ValidationError.self) { try PushRequest.validateSequence([1, 1]) }
        #expect(throws: ValidationError.self) { try PushRequest.validateSequence([3, 2]) }
        #expect(throws: ValidationError.self) { try PushRequest.validateSequence([0]) }
        #expect(throws: ValidationError.self) { try PushRequest.validateSequence([Int64.max]) }
        #expect(throws: Never.self) { try PushRequest.validateSequence([5, 6, 9]) }
    }

    @Test("a high-water mark or a sequence at Int64.max never traps the planner")
    func extremeHighWater() {
        var f = Fixtures()
        let change = created(&f).0
        let applier = BatchApplier()
        let plan = applier.plan(
            PushRequest(changes: [QueuedChange(seq: Int64.max, change: change)]), from: f.nodePrincipal, highWater: Int64.min,
            current: [:], nowMillis: now)
        #expect(plan.gap)
        let replay = applier.plan(
            PushRequest(changes: [QueuedChange(seq: Int64.min, change: change)]), from: f.nodePrincipal, highWater: Int64.max,
            current: [:], nowMillis: now)
        #expect(replay.skipped == 1)
    }
}

