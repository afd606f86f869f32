import GarrisonHTTP
import Foundation
import GarrisonCore
import Hummingbird

/// The administrators' API (`/v1/admin/...`, admin certificate only): garrisons, conflicts, quarantine.
struct AdminRoutes {
    let store: HubStore
    let metrics: HubMetrics
    let configuration: HubConfiguration

    /// `POST /v1/admin/conflicts/{number}/resolve` body.
    struct Resolution: Decodable {
        let action: String
    }

    func register(on router: Router<HubRequestContext>) {
        let admin = router.group("/v1/admin").add(middleware: RoleGate.administrators(metrics: metrics))
        admin.get("/garrisons") { _, context in
            return try Response.json(try await store.overview())
        }
        admin.get("/conflicts") { request, context in
            let (garrison, state, limit) = try listing(request)
            return try Response.json(try await store.conflicts(garrison: garrison, state: state, limit: limit))
        }
        admin.get("/conflicts/{number}") { _, context in
            let number = try context.parameters.require("number", as: Int64.self)
            guard let entry = try await store.conflict(number) else {
                throw Problem.notFound(.unknownConflict, "there is no conflict number \(number)")
            }
            return try Response.json(entry)
        }
        admin.post("/conflicts/{number}/resolve") { request, context in
            let admin = try context.principal()
            let number = try context.parameters.require("number", as: Int64.self)
            let resolution = try await request.decodeJSON(Resolution.self, limit: 64 << 10)
            guard ["keep", "override"].contains(resolution.action) else {
                throw Problem.badRequest(.invalidAction, "action is \"keep\" or \"override\"")
            }
            let entry = try await store.resolveConflict(number, override: resolution.action == "override", by: admin, nowMillis: Self.now)
            context.logger.with(admin).notice("conflict resolved", metadata: ["number": "\(number)", "action": "\(resolution.action)"])
            return try Response.json(entry)
        }
        admin.get("/quarantine") { request, context in
            let (garrison, state, limit) = try listing(request)
            return try Response.json(try await store.quarantine(garrison: garrison, state: state, limit: limit))
        }
        admin.post("/quarantine/{id}/retry") { _, context in
            let admin = try context.principal()
            let id = try context.parameters.require("id", as: Int64.self)
            let entry = try await store.retryQuarantined(id, by: admin, nowMillis: Self.now)
            context.logger.with(admin).notice("quarantined change retried", metadata: ["id": "\(id)"])
            return try Response.json(entry)
        }
        admin.post("/quarantine/{id}/drop") { _, context in
            let admin = try context.principal()
            let id = try context.parameters.require("id", as: Int64.self)
            let entry = try await store.dropQuarantined(id, by: admin)
            context.logger.with(admin).notice("quarantined change dropped", metadata: ["id": "\(id)"])
            return try Response.json(entry)
        }
    }

    private static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }



    private func listing(_ request: Request) throws -> (GarrisonCode?, ListingState, Int) {
        let garrison = request.text("garrison").map(GarrisonCode.init(rawValue:))
        if let garrison, !GarrisonRegistry.standard.contains(garrison) {
            throw Problem.notFound(.unknownGarrison, "garrison \(garrison) does not exist")
        }
        let stateText = request.text("state") ?? "open"
        guard let state = ListingState(rawValue: stateText) else {
            throw Problem.badRequest(.invalidParameter, "state is open, resolved or all")
        }
        let limit = Int(try request.integer("limit", default: 100, in: 1...10_000))
        return (garrison, state, limit)
    }
}
