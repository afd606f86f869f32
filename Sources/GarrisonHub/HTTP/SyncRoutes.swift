import GarrisonHTTP
import Foundation
import GarrisonCore
import GarrisonPKI
import Hummingbird
import HummingbirdAuth
import Logging
import NIOCore

/// `POST /v1/sync/push`, `GET /v1/sync/pull`, `GET /v1/sync/snapshot` (DESIGN §4), behind mutual TLS.
struct SyncRoutes {
    let store: HubStore
    let signals: FeedSignals
    let metrics: HubMetrics
    let configuration: HubConfiguration
    let registry: GarrisonRegistry

    func register(on router: Router<HubRequestContext>) {
        let sync = router.group("/v1/sync").add(middleware: RoleGate(
            policy: anyOf { RolePolicy<CertifiedCaller>(.node); RolePolicy<CertifiedCaller>(.national) },
            needs: "a node or national certificate", metrics: metrics))
        sync.post("/push") { request, context in try await push(request, context) }
        sync.get("/pull") { request, context in try await pull(request, context) }
        sync.get("/snapshot") { request, context in try await snapshot(request, context) }
        sync.get("/catalogue") { _, _ in try Response.json(try await store.catalogues()) }
        // Publishing the catalogue is one national decision: the national certificate alone, behind its own gate.
        let national = sync.group().add(middleware: RoleGate(
            policy: RolePolicy<CertifiedCaller>(.national), needs: "a national certificate (only national HQ publishes the catalogue)",
            metrics: metrics))
        national.post("/catalogue") { request, context in
            let principal = try context.principal()
            let catalogue = try await request.decodeJSON(CategoryCatalogue.self, limit: configuration.limits.maxBodyBytes)
            try await store.publish(catalogue)
            context.logger.notice("category catalogue published", metadata: [
                "version": "\(catalogue.version)", "by": "\(principal)", "categories": "\(catalogue.categories.count)",
            ])
            return try Response.json(catalogue, status: .created)
        }
        sync.get("/garrisons") { _, _ in try Response.json(try await store.garrisonPhases()) }
    }

    private func push(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.principal()
        let label = principal.label
        let logger = context.logger.with(principal)
        let received = try await refusing(label) { try await request.decodeJSON(ReceivedPush.self, limit: configuration.limits.maxBodyBytes) }
        guard received.entries.count <= configuration.limits.maxBatch else {
            metrics.refused(garrison: label, code: .tooLarge)
            throw Problem.tooLarge("the batch has \(received.entries.count) changes; the limit is \(configuration.limits.maxBatch)")
        }
        do {
            try received.validateEnvelope()
        } catch {
            metrics.refused(garrison: label, code: error.code)
            throw Problem.badRequest(error.code, error.message)
        }
        // Each change was decoded on its own: one the hub cannot read is quarantined, the rest applies.
        let (batch, unreadable) = received.request(sender: principal)
        // A push naming another real garrison is refused whole and counted (DESIGN §6); a garrison code that names
        // none is a malformed change, quarantined with the rest of the batch applying.
        if principal.role == .node,
            let foreign = batch.changes.first(where: { $0.change.garrison != principal.garrison && registry.contains($0.change.garrison) })
        {
            metrics.refused(garrison: label, code: .crossTenant)
            logger.warning("cross-tenant push refused", metadata: ["target": "\(foreign.change.garrison)"])
            throw Problem.forbidden(
                .crossTenant, "this certificate is for garrison \(label); the batch names garrison \(foreign.change.garrison)")
        }
        let started = ContinuousClock.now
        let result = try await refusing(label) {
            try await store.push(batch, from: principal, refused: unreadable, nowMillis: Int64(Date().timeIntervalSince1970 * 1000))
        }
        metrics.pushed(garrison: label, result: result, duration: ContinuousClock.now - started)
        logger.debug(
            "push applied",
            metadata: [
                "changes": "\(batch.changes.count)", "applied": "\(result.applied)", "replayed": "\(result.skipped)",
                "quarantined": "\(result.quarantined)", "acked_through": "\(result.ack.ackedThrough)",
            ])
        if result.gap { logger.notice("push refused: it starts past the high-water mark", metadata: ["acked_through": "\(result.ack.ackedThrough)"]) }
        return try Response.json(result.ack)
    }

    private func pull(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.principal()
        let garrison = try target(request, principal)
        let cursor = try request.integer("cursor", default: 0, in: 0...Int64.max)
        let limit = Int(try request.integer("limit", default: 1_000, in: 1...Int64(configuration.limits.maxPull)))
        let maxWait = configuration.limits.maxWait.components.seconds
        let wait = try request.integer("wait", default: 0, in: 0...maxWait)
        // A garrison's node says how many of its changes wait to be pushed (the rollout's "queue drained" gate).
        let queue = request.text("queue") == nil ? nil : try request.integer("queue", default: 0, in: 0...Int64.max)
        // And how many it set aside (the hub kept refusing each alone), with the code of the oldest's refusal.
        let setAside = request.text("set_aside") == nil ? nil : try request.integer("set_aside", default: 0, in: 0...Int64.max)
        let setAsideCode = request.text("set_aside_code")
        if let setAsideCode, ProblemCode(validating: setAsideCode) == nil {
            throw Problem.badRequest(.invalidParameter, "set_aside_code is a problem code: 1–64 of a–z, 0–9 and _")
        }
        let reported = NodeReport(queueDepth: queue, setAside: setAside, setAsideCode: setAsideCode)
        let generation = signals.generation(of: garrison.rawValue)
        let label = principal.label
        var page = try await refusing(label) {
            try await store.readFeed(of: garrison, after: cursor, limit: limit, for: principal, reported: reported)
        }
        if page.entries.isEmpty, wait > 0 {
            await signals.wait(for: garrison.rawValue, after: generation, timeout: .seconds(wait))
            page = try await refusing(label) {
                try await store.readFeed(of: garrison, after: cursor, limit: limit, for: principal, reported: reported)
            }
        }
        return .jsonBytes(try PullEncoding.encode(page, cursor: cursor, limit: limit, hub: try await store.identity()))
    }

    private func snapshot(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.principal()
        let garrison = try target(request, principal)
        let after = request.text("after") ?? ""
        let limit = Int(try request.integer("limit", default: 500, in: 1...Int64(configuration.limits.maxPull)))
        let label = principal.label
        let page = try await refusing(label) { try await store.snapshot(of: garrison, after: after, limit: limit, for: principal) }
        return try Response.json(page)
    }

    /// The garrison a read is about: a node's own (a `garrison` parameter naming another is refused); the
    /// national node names it.
    private func target(_ request: Request, _ principal: Principal) throws -> GarrisonCode {
        let asked = request.text("garrison").map(GarrisonCode.init(rawValue:))
        if let own = principal.garrison {
            if let asked, asked != own {
                metrics.refused(garrison: own.rawValue, code: .crossTenant)
                throw Problem.forbidden(.crossTenant, "this certificate is for garrison \(own); it cannot read garrison \(asked)")
            }
            return own
        }
        guard let asked else {
            throw Problem.badRequest(.missingParameter, "the national role names the garrison to read: ?garrison=CODE")
        }
        guard registry.contains(asked) else { throw Problem.notFound(.unknownGarrison, "garrison \(asked) does not exist") }
        return asked
    }

    /// Counts a refusal the store decided (phase, identity) under the sender's garrison.
    private func refusing<T>(_ label: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let problem as Problem {
            metrics.refused(garrison: label, code: problem.code)
            throw problem
        }
    }
}

extension Logger {
    /// This logger with the principal's garrison and node id as metadata.
    func with(_ principal: Principal) -> Logger {
        var logger = self
        logger[metadataKey: "garrison"] = "\(principal.garrison?.rawValue ?? "-")"
        logger[metadataKey: "node"] = "\(principal.site)"
        logger[metadataKey: "role"] = "\(principal.role.rawValue)"
        return logger
    }
}

/// Builds the pull answer around the stored change JSON.
enum PullEncoding {
    static func encode(_ page: StoredFeedPage, cursor: Int64, limit: Int, hub: HubIdentity) throws -> [UInt8] {
        var out = #"{"entries":["#
        out.reserveCapacity(page.entries.reduce(256) { $0 + $1.changeJSON.utf8.count + 64 })
        for (index, entry) in page.entries.enumerated() {
            if index > 0 { out += "," }
            out += #"{"position":\#(entry.position),"change":\#(entry.changeJSON),"committed_at":\#(entry.committedAtMillis)}"#
        }
        // Positions are dense per garrison, so the last entry read is the next cursor; never jump to the head,
        // which may have moved past entries this page did not read.
        let next = page.entries.last?.position ?? cursor
        let hubJSON = String(decoding: try JSONEncoder().encode(hub), as: UTF8.self)
        out += #"],"next_cursor":\#(next),"caught_up":\#(page.entries.count < limit),"head":\#(page.head),"hub":\#(hubJSON)}"#
        return Array(out.utf8)
    }
}
