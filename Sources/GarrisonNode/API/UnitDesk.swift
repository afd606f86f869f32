import Foundation
import GarrisonCore
import GarrisonHTTP
import HTTPTypes

/// What units do with reports at the node, as durable local writes: each action checks the unit's rights,
/// makes the change with the node's clock and commits it with its queued change (`NodeStore.commitLocal`).
/// Failures are `Problem`s (problem+json) and store nothing.
struct UnitDesk: KeyedDesk {
    let store: NodeStore
    let clock: @Sendable () -> Int64
    /// The request's `Idempotency-Key`, if it sent one (`keyed(_:)`).
    var idempotency: IdempotentRequest? = nil

    /// Records a new report in status "Nowe".
    func create(_ request: CreateReportRequest, by unit: UnitPrincipal) throws -> LocalWrite {
        guard let garrison = store.principal.garrison, unit.role != .national else {
            throw Problem.forbidden(.wrongRole, "the national node records no reports of its own")
        }
        guard let pillar = Pillar(rawValue: request.pillar), pillar != .citizensOnline else {
            throw Problem(.unprocessableContent, code: .invalidPillar,
                detail: "units record pillar \"police_systems\" or \"direct_contact\" (citizens report through the public platform)")
        }
        let county: CountyCode
        do {
            county = try CountyCode(validating: request.county)
        } catch {
            throw Self.problem(for: error)
        }
        if unit.role != .voivodeship, let own = unit.unit, LocalUnit(county: county).id != own {
            throw Problem.forbidden(
                .outsideUnit, "\(own) records reports in its own county; county \(county) is served by \(LocalUnit(county: county).id)")
        }
        if let text = request.timeOfDay, TimeOfDay(rawValue: text) == nil {
            throw Problem(.unprocessableContent, code: .invalidField,
                detail: "time_of_day is one of \(TimeOfDay.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let now = clock()
        var random = SystemRandomNumberGenerator()
        let id = request.id ?? UUIDv7.make(millis: now, using: &random)
        let report = ReportWriter.NewReport(
            id: id, garrison: garrison, county: county,
            location: request.location.map { Coordinate(latitude: $0.lat, longitude: $0.lon) }, category: request.category,
            categoryVersion: store.latestCatalogue.version,
            description: request.description, pillar: pillar, eventAtMillis: request.eventAt,
            timeOfDay: request.timeOfDay.flatMap(TimeOfDay.init(rawValue:)), daysOfWeek: request.daysOfWeek ?? [],
            unit: request.unit)
        return try commit(id, creating: true, by: unit) { _, writer in writer.create(report, nowMillis: now) }
    }

    /// Opens the verification card (a report in "Nowe" moves to "Weryfikacja" with it), or updates its findings.
    func openCard(_ id: String, _ request: CardRequest, by unit: UnitPrincipal) throws -> LocalWrite {
        let now = clock()
        return try commit(id, by: unit) { state, writer throws(LocalWriteError) in
            let state = try Self.existing(state, id)
            let previous = state[.card].flatMap { try? VerificationCard($0) }
            let card = VerificationCard(
                openedAtMillis: previous?.openedAtMillis ?? now, openedBy: previous?.openedBy ?? unit.author,
                findings: request.findings ?? previous?.findings ?? "", actions: request.actions ?? previous?.actions ?? "")
            guard state.status?.status == .nowe else {
                return writer.set([.card: card.fieldValue], on: state, nowMillis: now)
            }
            var change: Change
            change = try Self.checked { () throws(ValidationError) in try writer.moveStatus(of: state, to: .weryfikacja, nowMillis: now) }
            // The card and the move are one write: same stamp.
            change.fields[.card] = Register(value: card.fieldValue, stamp: change.status!.stamp, base: state.fields[.card]?.stamp)
            return change
        }
    }

    /// One step along the status flow.
    func moveStatus(_ id: String, to text: String, by unit: UnitPrincipal) throws -> LocalWrite {
        guard let status = ReportStatus(rawValue: text) else {
            throw Problem(.unprocessableContent, code: .unknownStatus,
                detail: "\"\(text)\" is not a status; statuses are \(ReportStatus.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
        }
        if status == .przekazane {
            throw Problem(.unprocessableContent, code: .useHandover,
                detail: "hand a report over with POST /v1/reports/{id}/handover, naming the body it goes to")
        }
        let now = clock()
        return try commit(id, by: unit) { state, writer throws(LocalWriteError) in
            let state = try Self.existing(state, id)
            return try Self.checked { () throws(ValidationError) in try writer.moveStatus(of: state, to: status, nowMillis: now) }
        }
    }

    /// Reopens a closed report into a new epoch; the reason is kept as a note.
    func reopen(_ id: String, reason: String, by unit: UnitPrincipal) throws -> LocalWrite {
        guard unit.role != .officer else {
            throw Problem.forbidden(.coordinatorOnly, "only a coordinator may reopen a report")
        }
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw Problem(.unprocessableContent, code: .reasonRequired, detail: "a reopen is audited: give its reason")
        }
        let now = clock()
        return try commit(id, by: unit) { state, writer throws(LocalWriteError) in
            let state = try Self.existing(state, id)
            var change: Change
            change = try Self.checked { () throws(ValidationError) in try writer.moveStatus(of: state, to: .weryfikacja, reopen: true, nowMillis: now) }
            change.notes = [Note(id: Self.noteID(now), author: unit.author, text: "Reopened: \(text)", atMillis: now)]
            return change
        }
    }

    /// Confirms the handover to a body outside the Police ("Potwierdzone (przekazane poza Policję)").
    func handover(_ id: String, to body: String, by unit: UnitPrincipal) throws -> LocalWrite {
        let now = clock()
        return try commit(id, by: unit) { state, writer throws(LocalWriteError) in
            let state = try Self.existing(state, id)
            var change: Change
            change = try Self.checked { () throws(ValidationError) in try writer.moveStatus(of: state, to: .przekazane, nowMillis: now) }
            let stamp = change.status!.stamp
            change.fields[.handover] = Register(
                value: .string(body.trimmingCharacters(in: .whitespacesAndNewlines)), stamp: stamp,
                base: state.fields[.handover]?.stamp)
            return change
        }
    }

    /// Adds a note.
    func addNote(_ id: String, text: String, by unit: UnitPrincipal) throws -> LocalWrite {
        let now = clock()
        return try commit(id, by: unit) { state, writer throws(LocalWriteError) in
            writer.addNote(id: Self.noteID(now), author: unit.author, text: text, to: try Self.existing(state, id), nowMillis: now)
        }
    }

    /// Assigns the report to a local unit of the garrison (voivodeship coordinator only).
    func assign(_ id: String, to target: String, by unit: UnitPrincipal) throws -> LocalWrite {
        guard unit.role == .voivodeship else {
            throw Problem.forbidden(.coordinatorOnly, "only the voivodeship coordinator assigns reports to units")
        }
        guard let county = NodeStore.county(ofUnit: target), LocalUnit(county: county).id == target,
            GarrisonRegistry.standard.garrison(covering: county)?.code == store.principal.garrison
        else {
            throw Problem(.unprocessableContent, code: .unknownUnit,
                detail: "\(target) is not a unit of garrison \(store.principal.garrison?.rawValue ?? "-") (e.g. KPP-2063)")
        }
        let now = clock()
        return try commit(id, by: unit) { state, writer throws(LocalWriteError) in
            writer.set([.unit: .string(target)], on: try Self.existing(state, id), nowMillis: now)
        }
    }

    // MARK: plumbing

    private func commit(
        _ id: String, creating: Bool = false, by unit: UnitPrincipal,
        _ make: (ReportState?, inout ReportWriter) throws(LocalWriteError) -> Change
    ) throws -> LocalWrite {
        do {
            return try store.commitLocal(
                reportID: id, creating: creating, author: unit.author, nowMillis: clock(), idempotency: idempotency
            ) {
                state, writer throws(LocalWriteError) in
                if !creating, unit.role == .national, store.principal.role != .national {
                    throw .refused(QuarantineReason(code: .wrongRole, message: "national tokens act at the national node"))
                }
                if !creating, let state, !unit.role.isUnbound, state[.unit]?.stringValue != unit.unit {
                    throw .refused(QuarantineReason(
                        code: .outsideUnit,
                        message: "the report is assigned to \(state[.unit]?.stringValue ?? "no unit"), not \(unit.unit ?? "-")"))
                }
                return try make(state, &writer)
            }
        } catch let error as LocalWriteError {
            throw Self.problem(for: error)
        }
    }

    /// A content rule broken while making the change.
    private static func checked<T>(_ make: () throws(ValidationError) -> T) throws(LocalWriteError) -> T {
        do {
            return try make()
        } catch {
            throw .invalid(error)
        }
    }

    private static func existing(_ state: ReportState?, _ id: String) throws(LocalWriteError) -> ReportState {
        guard let state else { throw .notFound(id) }
        return state
    }

    private static func noteID(_ now: Int64) -> String {
        var random = SystemRandomNumberGenerator()
        return UUIDv7.make(millis: now, using: &random)
    }

    static func problem(for error: LocalWriteError) -> Problem {
        switch error {
        case .notFound(let id): Problem.notFound(.unknownReport, "no report \(id) in this garrison")
        case .exists(let id): Problem.conflict(.reportExists, "report \(id) exists already (a retried creation landed)")
        case .invalid(let error): problem(for: error)
        case .refused(let reason): Problem.forbidden(reason.code, reason.message)
        case .keyReused(let key):
            Problem(.unprocessableContent, code: .idempotencyKeyReused,
                detail: "Idempotency-Key \(key) came before with another request; use a new key for a new request")
        }
    }

    static func problem(for error: ValidationError) -> Problem {
        let status: HTTPResponse.Status = error.code == .invalidTransition ? .conflict : .unprocessableContent
        return Problem(status, code: error.code, detail: error.description)
    }
}
