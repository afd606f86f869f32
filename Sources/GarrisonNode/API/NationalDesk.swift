import Foundation
import GarrisonCore
import GarrisonHTTP

/// What the national HQ does with reports at the national node, as durable local writes synced through the
/// hub: move a report to another garrison, link a cross-border duplicate, hide a report from public views. Only
/// national tokens at the national node; failures are `Problem`s and store nothing.
struct NationalDesk: KeyedDesk {
    let store: NodeStore
    let clock: @Sendable () -> Int64
    /// The request's `Idempotency-Key`, if it sent one (`keyed(_:)`).
    var idempotency: IdempotentRequest? = nil

    /// Moves a report to another garrison: the hub sends it whole to the new garrison and tells the old one.
    func reassign(_ id: String, to garrison: String, by user: UnitPrincipal) throws -> LocalWrite {
        let target = GarrisonCode(rawValue: garrison)
        guard GarrisonRegistry.standard.contains(target) else {
            throw Problem(.unprocessableContent, code: .unknownGarrison, detail: "no garrison has code \"\(garrison)\"")
        }
        return try write(id, by: user) { state in
            guard state.garrison != target else {
                throw Problem.conflict(.alreadyThere, "report \(id) belongs to garrison \(garrison) already")
            }
            return [.garrison: .string(target.rawValue)]
        }
    }

    /// Links the report as a duplicate of another (nil unlinks); no report is deleted.
    func linkDuplicate(_ id: String, of original: String?, by user: UnitPrincipal) throws -> LocalWrite {
        try national(user)
        if let earlier = try replayed() { return earlier }
        if let original {
            guard original != id else {
                throw Problem(.unprocessableContent, code: .invalidField, detail: "a report is not a duplicate of itself")
            }
            guard try store.report(original) != nil else {
                throw Problem.notFound(.unknownReport, "no report \(original) at the national node")
            }
        }
        guard try store.report(id) != nil else { throw Problem.notFound(.unknownReport, "no report \(id) here") }
        do {
            return try store.linkDuplicate(id, of: original, author: user.author, nowMillis: clock(), idempotency: idempotency)
        } catch let error as LocalWriteError {
            throw UnitDesk.problem(for: error)
        }
    }

    /// Hides the report from public views (moderation), or shows it again.
    func hide(_ id: String, _ hidden: Bool, by user: UnitPrincipal) throws -> LocalWrite {
        try write(id, by: user) { _ in [.hidden: .bool(hidden)] }
    }

    private func write(
        _ id: String, by user: UnitPrincipal, _ values: (ReportState) throws -> [ReportField: FieldValue]
    ) throws -> LocalWrite {
        try national(user)
        if let earlier = try replayed() { return earlier }
        let now = clock()
        guard let current = try store.report(id) else { throw Problem.notFound(.unknownReport, "no report \(id) here") }
        let fields = try values(current)
        do {
            return try store.commitLocal(reportID: id, author: user.author, nowMillis: now, idempotency: idempotency) {
                state, writer throws(LocalWriteError) in
                guard let state else { throw LocalWriteError.notFound(id) }
                return writer.set(fields, on: state, nowMillis: now)
            }
        } catch let error as LocalWriteError {
            throw UnitDesk.problem(for: error)
        }
    }
}

extension NationalDesk {
    /// The write a retried request (same `Idempotency-Key`) made first, before any check of the state it changed.
    func replayed() throws -> LocalWrite? {
        do {
            return try store.replayed(idempotency)
        } catch let error as LocalWriteError {
            throw UnitDesk.problem(for: error)
        }
    }

    /// Only national HQ staff, and only at the national node.
    func national(_ user: UnitPrincipal) throws {
        guard user.role == .national, store.principal.role == .national else {
            throw Problem.forbidden(.nationalOnly, "only national HQ staff at the national node do this")
        }
    }
}

/// `POST /v1/catalogue`: the categories of the next catalogue version (every earlier category still listed;
/// retire one with `"active": false`).
struct PublishCatalogueRequest: Decodable {
    var categories: [Category]
}

/// `POST /v1/reports/{id}/reassign`.
struct ReassignRequest: Decodable {
    var garrison: String
}

/// `POST /v1/reports/{id}/duplicate`: `{"of": "<report id>"}`, or `{"of": null}` to unlink.
struct DuplicateRequest: Decodable {
    var of: String?
}

/// `POST /v1/reports/{id}/hidden`.
struct HiddenRequest: Decodable {
    var hidden: Bool
}
