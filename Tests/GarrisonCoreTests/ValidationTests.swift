import GarrisonCore
import Testing

@Suite("Change validation")
struct ValidationTests {
    let validator = ChangeValidator()

    func code(_ change: Change, current: ReportState? = nil) -> ProblemCode? {
        do {
            try validator.validate(change, current: current)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("a well-formed creation passes")
    func valid() {
        var f = Fixtures()
        #expect(code(f.created().0) == nil)
    }

    @Test("description over 500 characters", arguments: [500, 501])
    func descriptionLength(length: Int) {
        var f = Fixtures()
        var report = Fixtures.newReport()
        report.description = String(repeating: "ż", count: length)
        #expect(code(f.node.create(report, nowMillis: 1_000)) == (length > 500 ? "description_too_long" : nil))
    }

    @Test("coordinates outside Poland")
    func outside() {
        var f = Fixtures()
        var report = Fixtures.newReport()
        report.location = Coordinate(latitude: 52.52, longitude: 13.40)
        #expect(code(f.node.create(report, nowMillis: 1_000)) == "outside_poland")
    }

    @Test("unknown category, unknown catalogue version")
    func category() {
        var f = Fixtures()
        var report = Fixtures.newReport()
        report.category = 99
        #expect(code(f.node.create(report, nowMillis: 1_000)) == "unknown_category")
        report.category = 9
        report.categoryVersion = 7
        #expect(code(f.node.create(report, nowMillis: 1_000)) == "unknown_catalogue_version")
    }

    @Test("invalid TERYT and a county of another garrison")
    func teryt() {
        var f = Fixtures()
        var change = f.created().0
        change.fields[.county]?.value = .string("9999")
        #expect(code(change) == "invalid_teryt")
        change.fields[.county]?.value = .string("2261")
        #expect(code(change) == "wrong_garrison")
    }

    @Test("a status move on top of the current status must be allowed")
    func transition() throws {
        var f = Fixtures()
        let (_, state) = f.created()
        var skip = try f.node.moveStatus(of: state, to: .weryfikacja, nowMillis: 2_000)
        skip.status?.status = .wyeliminowane
        #expect(code(skip, current: state) == "invalid_transition")
        var jump = try f.node.moveStatus(of: state, to: .weryfikacja, nowMillis: 2_000)
        jump.status?.epoch = 3
        #expect(code(jump, current: state) == "invalid_transition")
        #expect(code(try f.node.moveStatus(of: state, to: .weryfikacja, nowMillis: 2_000), current: state) == nil)
    }

    @Test("malformed field values get precise codes")
    func malformed() {
        var f = Fixtures()
        let (_, state) = f.created()
        #expect(code(f.node.set([.unit: .string("XYZ")], on: state, nowMillis: 2), current: state) == "invalid_unit")
        #expect(code(f.node.set([.card: .object([:])], on: state, nowMillis: 2), current: state) == "invalid_card")
        #expect(code(f.node.set([.daysOfWeek: .array([.int(8)])], on: state, nowMillis: 2), current: state) == "invalid_field")
        #expect(code(f.node.set([.garrison: .string("99")], on: state, nowMillis: 2), current: state) == "unknown_garrison")
        #expect(code(Change(reportID: Fixtures.reportID, garrison: "20", origin: "x", kind: .update), current: state) == "empty_change")
    }
}
