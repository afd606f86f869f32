import GarrisonCore
import Testing

@Suite("Statuses, transitions and deadlines")
struct StatusTests {
    @Test("the flow of DOMAIN.md")
    func flow() throws {
        try ReportStatus.validateTransition(from: .nowe, to: .weryfikacja, reopen: false)
        for outcome in [ReportStatus.potwierdzone, .niepotwierdzone, .zartLubPomylka] {
            try ReportStatus.validateTransition(from: .weryfikacja, to: outcome, reopen: false)
        }
        try ReportStatus.validateTransition(from: .potwierdzone, to: .wyeliminowane, reopen: false)
        try ReportStatus.validateTransition(from: .potwierdzone, to: .przekazane, reopen: false)
        #expect(throws: ValidationError.self) { try ReportStatus.validateTransition(from: .nowe, to: .potwierdzone, reopen: false) }
        #expect(throws: ValidationError.self) { try ReportStatus.validateTransition(from: .niepotwierdzone, to: .potwierdzone, reopen: false) }
        #expect(throws: ValidationError.self) { try ReportStatus.validateTransition(from: .weryfikacja, to: .nowe, reopen: false) }
    }

    @Test("reopen: only a verified report, only back to Weryfikacja")
    func reopen() throws {
        try ReportStatus.validateTransition(from: .wyeliminowane, to: .weryfikacja, reopen: true)
        try ReportStatus.validateTransition(from: .niepotwierdzone, to: .weryfikacja, reopen: true)
        #expect(throws: ValidationError.self) { try ReportStatus.validateTransition(from: .nowe, to: .weryfikacja, reopen: true) }
        #expect(throws: ValidationError.self) { try ReportStatus.validateTransition(from: .potwierdzone, to: .nowe, reopen: true) }
    }

    @Test("a refused move says what is allowed")
    func message() {
        do {
            try ReportStatus.validateTransition(from: .nowe, to: .wyeliminowane, reopen: false)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.code == "invalid_transition")
            #expect(error.message.contains("\"Weryfikacja\""))
        }
    }

    @Test("real Polish names")
    func names() {
        #expect(ReportStatus.allCases.map(\.rawValue) == [
            "Nowe", "Weryfikacja", "Potwierdzone", "Potwierdzone (wyeliminowane)",
            "Potwierdzone (przekazane poza Policję)", "Niepotwierdzone", "Żart lub pomyłka",
        ])
    }

    @Test("deadlines: read within 2 days, verify within 5")
    func deadlines() {
        let day: Int64 = 86_400_000
        let d = Deadlines.standard
        #expect(d.missed(createdMillis: 0, readMillis: day, verifiedMillis: 4 * day, nowMillis: 10 * day).isEmpty)
        #expect(d.missed(createdMillis: 0, readMillis: 3 * day, verifiedMillis: 4 * day, nowMillis: 10 * day) == [.read])
        #expect(d.missed(createdMillis: 0, readMillis: nil, verifiedMillis: nil, nowMillis: day) == [])
        #expect(d.missed(createdMillis: 0, readMillis: nil, verifiedMillis: nil, nowMillis: 6 * day) == [.read, .verify])
    }
}
