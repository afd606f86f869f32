import GarrisonCore
import Testing

@Suite("Field authority and tenancy")
struct AuthorityTests {
    @Test("a node creates and verifies its own garrison's reports")
    func nodeOwnGarrison() throws {
        var f = Fixtures()
        let (create, state) = f.created()
        #expect(Authority.check(create, by: f.nodePrincipal, current: nil) == nil)
        #expect(Authority.check(create, by: f.nodePrincipal, current: state) == nil, "a replayed creation is fine")
        let move = try f.node.moveStatus(of: state, to: .weryfikacja, nowMillis: 2_000)
        #expect(Authority.check(move, by: f.nodePrincipal, current: state) == nil)
    }

    @Test("another garrison's node is refused as cross-tenant, whatever the change claims")
    func crossTenant() throws {
        var f = Fixtures()
        let (create, state) = f.created()
        #expect(Authority.check(create, by: f.otherNode, current: nil)?.code == "cross_tenant")
        var forged = try f.node.moveStatus(of: state, to: .weryfikacja, nowMillis: 2_000)
        forged.garrison = "22"
        #expect(Authority.check(forged, by: f.otherNode, current: state)?.code == "cross_tenant")
    }

    @Test("national writes moderation, duplicates, category and garrison; nothing else")
    func national() throws {
        var f = Fixtures()
        let (_, state) = f.created()
        for field in [ReportField.hidden, .duplicateOf, .category, .garrison] {
            let value: FieldValue = field == .hidden ? .bool(true) : field == .category ? .int(9) : .string("22")
            let change = f.national.set([field: value], on: state, nowMillis: 2_000)
            #expect(Authority.check(change, by: f.nationalPrincipal, current: state) == nil, "\(field)")
        }
        let description = f.national.set([.description: .string("x")], on: state, nowMillis: 2_000)
        #expect(Authority.check(description, by: f.nationalPrincipal, current: state)?.code == "unauthorized_field")
        let status = try f.national.moveStatus(of: state, to: .weryfikacja, nowMillis: 2_000)
        #expect(Authority.check(status, by: f.nationalPrincipal, current: state)?.code == "unauthorized_field")
        let create = f.national.create(Fixtures.newReport(id: "r2"), nowMillis: 2_000)
        #expect(Authority.check(create, by: f.nationalPrincipal, current: nil)?.code == "unauthorized_field")
    }

    @Test("a node may not set national fields or claim the citizens' pillar")
    func nodeLimits() {
        var f = Fixtures()
        let (_, state) = f.created()
        let hide = f.node.set([.hidden: .bool(true)], on: state, nowMillis: 2_000)
        #expect(Authority.check(hide, by: f.nodePrincipal, current: state)?.code == "unauthorized_field")
        let citizen = f.node.create(Fixtures.newReport(id: "r3", pillar: .citizensOnline), nowMillis: 2_000)
        #expect(Authority.check(citizen, by: f.nodePrincipal, current: nil)?.code == "unauthorized_field")
    }

    @Test("the intake creates citizens' reports and confirms; it verifies nothing")
    func intake() throws {
        var f = Fixtures()
        let create = f.intake.create(Fixtures.newReport(id: "r9", pillar: .citizensOnline), nowMillis: 1_000)
        #expect(Authority.check(create, by: f.intakePrincipal, current: nil) == nil)
        let state = MergeEngine.apply(create, to: nil, nowMillis: 0).state
        let move = try f.intake.moveStatus(of: state, to: .weryfikacja, nowMillis: 2_000)
        #expect(Authority.check(move, by: f.intakePrincipal, current: state)?.code == "unauthorized_field")
    }

    @Test("a creation may not overwrite another report with the same id")
    func creationCollision() {
        var f = Fixtures()
        let (_, state) = f.created(at: 1_000)
        let again = f.node.create(Fixtures.newReport(), nowMillis: 5_000)
        #expect(Authority.check(again, by: f.nodePrincipal, current: state)?.code == "report_exists")
    }

    @Test("an update of an unknown report is refused")
    func unknown() {
        var f = Fixtures()
        let (_, state) = f.created()
        let edit = f.node.set([.description: .string("x")], on: state, nowMillis: 2_000)
        #expect(Authority.check(edit, by: f.nodePrincipal, current: nil)?.code == "unknown_report")
    }

    @Test("a restore re-sends only the sender's own writes")
    func restore() throws {
        var f = Fixtures()
        let (_, state) = f.created()
        let national = f.national.set([.hidden: .bool(true)], on: state, nowMillis: 2_000)
        let mixed = state.applying(national)
        let own = Change(restoringWritesOf: mixed, by: "node-20")
        #expect(own.fields[.hidden] == nil)
        #expect(Authority.check(own, by: f.nodePrincipal, current: nil) == nil)
        let foreign = Change(snapshotOf: mixed, origin: "node-20")
        var forged = foreign
        forged.kind = .restore
        #expect(Authority.check(forged, by: f.nodePrincipal, current: nil)?.code == "unauthorized_field")
    }
}
