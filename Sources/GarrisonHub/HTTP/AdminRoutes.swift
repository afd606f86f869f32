import GarrisonHTTP
import Foundation
import GarrisonCore
import Hummingbird

/// The administrators' API (`/v1/admin/...`, admin certificate only): garrisons, conflicts, quarantine.
struct AdminRoutes {
    let store: HubStore
    let metrics: HubMetrics
    let gatekeeper: Gatekeeper
    let configuration: HubConfiguration

    /// `POST /v1/admin/conflicts/{number}/resolve` body.
    struct Resolution: Decodable {
        let action: String
    }

    func register(on router: Router<HubRequestContext>) {
        let admin = router.group("/v1/admin")
        admin.get("/garrisons") { _, context in
            try await answering(context) {
                _ = try await administrator(context)
                return try .json(try await store.overview())
            }
        }
        admin.get("/conflicts") { request, context in
            try await answering(context) {
                _ = try await administrator(context)
                let (garrison, state, limit) = try listing(request)
                return try .json(try await store.conflicts(garrison: garrison, state: state, limit: limit))
            }
        }
        admin.get("/conflicts/{number}") { _, context in
            try await answering(context) {
                _ = try await administrator(context)
                let number = try context.parameters.require("number", as: Int64.self)
                guard let entry = try await store.conflict(number) else {
                    throw Problem.notFound("unknown_conflict", "there is no conflict number \(number)")
                }
                return try .json(entry)
            }
        }
        admin.post("/conflicts/{number}/resolve") { request, context in
            try await answering(context) {
                let admin = try await administrator(context)
                let number = try context.parameters.require("number", as: Int64.self)
                let resolution = try await request.decodeJSON(Resolution.self, limit: 64 << 10)
                guard ["keep", "override"].contains(resolution.action) else {
                    throw Problem.badRequest("invalid_action", "action is \"keep\" or \"override\"")
                }
                let entry = try await store.resolveConflict(number, override: resolution.action == "override", by: admin, nowMillis: Self.now)
                context.logger.with(admin).notice("conflict resolved", metadata: ["number": "\(number)", "action": "\(resolution.action)"])
                return try .json(entry)
            }
        }
        admin.get("/quarantine") { request, context in
            try await answering(context) {
                _ = try await administrator(context)
                let (garrison, state, limit) = try listing(request)
                return try .json(try await store.quarantine(garrison: garrison, state: state, limit: limit))
            }
        }
        admin.post("/quarantine/{id}/retry") { _, context in
            try await answering(context) {
                let admin = try await administrator(context)
                let id = try context.parameters.require("id", as: Int64.self)
                let entry = try await store.retryQuarantined(id, by: admin, nowMillis: Self.now)
                context.logger.with(admin).notice("quarantined change retried", metadata: ["id": "\(id)"])
                return try .json(entry)
            }
        }
        admin.post("/quarantine/{id}/drop") { _, context in
            try await answering(context) {
                let admin = try await administrator(context)
                let id = try context.parameters.require("id", as: Int64.self)
                let entry = try await store.dropQuarantined(id, by: admin)
                context.logger.with(admin).notice("quarantined change dropped", metadata: ["id": "\(id)"])
                return try .json(entry)
            }
        }
    }

    private static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    private func administrator(_ context: HubRequestContext) async throws -> Principal {
        try await Self.administrator(context, gatekeeper: gatekeeper, metrics: metrics)
    }

    /// The administrator behind the request; any other role is refused (403 `wrong_role`) and counted.
    static func administrator(_ context: HubRequestContext, gatekeeper: Gatekeeper, metrics: HubMetrics) async throws -> Principal {
        let identity = try await gatekeeper.identity(context)
        guard identity.role == .admin, let principal = identity.principal else {
            metrics.refused(garrison: identity.garrison?.rawValue ?? identity.role.rawValue, code: "wrong_role")
            throw Problem.forbidden("wrong_role", "the admin API needs an admin certificate, not a \(identity.role.rawValue) one")
        }
        return principal
    }

    private func listing(_ request: Request) throws -> (GarrisonCode?, ListingState, Int) {
        let garrison = request.text("garrison").map(GarrisonCode.init(rawValue:))
        if let garrison, !GarrisonRegistry.standard.contains(garrison) {
            throw Problem.notFound("unknown_garrison", "garrison \(garrison) does not exist")
        }
        let stateText = request.text("state") ?? "open"
        guard let state = ListingState(rawValue: stateText) else {
            throw Problem.badRequest("invalid_parameter", "state is open, resolved or all")
        }
        let limit = Int(try request.integer("limit", default: 100, in: 1...10_000))
        return (garrison, state, limit)
    }
}
