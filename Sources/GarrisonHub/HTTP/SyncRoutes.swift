import GarrisonHTTP
import Foundation
import GarrisonCore
import GarrisonPKI
import Hummingbird
import Logging
import NIOCore

/// `POST /v1/sync/push`, `GET /v1/sync/pull`, `GET /v1/sync/snapshot` (DESIGN §4), behind mutual TLS.
struct SyncRoutes {
    let store: HubStore
    let signals: FeedSignals
    let metrics: HubMetrics
    let gatekeeper: Gatekeeper
    let configuration: HubConfiguration
    let registry: GarrisonRegistry

    func register(on router: Router<HubRequestContext>) {
        router.post("/v1/sync/push") { request, context in try await answering(context) { try await push(request, context) } }
        router.get("/v1/sync/pull") { request, context in try await answering(context) { try await pull(request, context) } }
        router.get("/v1/sync/snapshot") { request, context in
            try await answering(context) { try await snapshot(request, context) }
        }
        router.get("/v1/sync/catalogue") { _, context in
            try await answering(context) {
                _ = try await principal(context)
                return try .json(try await store.catalogues())
            }
        }
        router.post("/v1/sync/catalogue") { request, context in
            try await answering(context) {
                let principal = try await principal(context)
                guard principal.role == .national else {
                    throw Problem.forbidden("wrong_role", "only the national role publishes the category catalogue")
                }
                let catalogue = try await request.decodeJSON(CategoryCatalogue.self, limit: configuration.maxBodyBytes)
                try await store.publish(catalogue)
                context.logger.notice("category catalogue published", metadata: [
                    "version": "\(catalogue.version)", "by": "\(principal)", "categories": "\(catalogue.categories.count)",
                ])
                return try .json(catalogue, status: .created)
            }
        }
        router.get("/v1/sync/garrisons") { _, context in
            try await answering(context) {
                _ = try await principal(context)
                return try .json(try await store.garrisonPhases())
            }
        }
    }

    /// The syncing principal of the request: a node or the national node.
    private func principal(_ context: HubRequestContext) async throws -> Principal {
        let identity = try await gatekeeper.identity(context)
        guard identity.role == .node || identity.role == .national, let principal = identity.principal else {
            throw Problem.forbidden("wrong_role", "a \(identity.role.rawValue) certificate cannot sync; use a node certificate")
        }
        return principal
    }

    private func push(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try await principal(context)
        let label = principal.garrison?.rawValue ?? principal.role.rawValue
        let logger = context.logger.with(principal)
        let received = try await refusing(label) { try await request.decodeJSON(ReceivedPush.self, limit: configuration.maxBodyBytes) }
        guard received.entries.count <= configuration.maxBatch else {
            metrics.refused(garrison: label, code: "too_large")
            throw Problem.tooLarge("the batch has \(received.entries.count) changes; the limit is \(configuration.maxBatch)")
        }
        do {
            try received.validateEnvelope()
        } catch {
            metrics.refused(garrison: label, code: error.code)
            throw Problem.badRequest(error.code, error.message)
        }
        // Each change was decoded on its own: one the hub cannot read is quarantined, the rest applies.
        let (batch, unreadable) = received.request(sender: principal)
        if principal.role == .node, let foreign = batch.changes.first(where: { $0.change.garrison != principal.garrison }) {
            metrics.refused(garrison: label, code: "cross_tenant")
            logger.warning("cross-tenant push refused", metadata: ["target": "\(foreign.change.garrison)"])
            throw Problem.forbidden(
                "cross_tenant", "this certificate is for garrison \(label); the batch names garrison \(foreign.change.garrison)")
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
        return try .json(result.ack)
    }

    private func pull(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try await principal(context)
        let garrison = try target(request, principal)
        let cursor = try request.integer("cursor", default: 0, in: 0...Int64.max)
        let limit = Int(try request.integer("limit", default: 1_000, in: 1...Int64(configuration.maxPull)))
        let maxWait = configuration.maxWait.components.seconds
        let wait = try request.integer("wait", default: 0, in: 0...maxWait)
        // A garrison's node says how many of its changes wait to be pushed (the rollout's "queue drained" gate).
        let queue = request.text("queue") == nil ? nil : try request.integer("queue", default: 0, in: 0...Int64.max)
        let generation = signals.generation(of: garrison.rawValue)
        let label = principal.garrison?.rawValue ?? principal.role.rawValue
        var page = try await refusing(label) {
            try await store.readFeed(of: garrison, after: cursor, limit: limit, for: principal, queueDepth: queue)
        }
        if page.entries.isEmpty, wait > 0 {
            await signals.wait(for: garrison.rawValue, after: generation, timeout: .seconds(wait))
            page = try await refusing(label) {
                try await store.readFeed(of: garrison, after: cursor, limit: limit, for: principal, queueDepth: queue)
            }
        }
        return .jsonBytes(try PullEncoding.encode(page, cursor: cursor, limit: limit, hub: try await store.identity()))
    }

    private func snapshot(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try await principal(context)
        let garrison = try target(request, principal)
        let after = request.text("after") ?? ""
        let limit = Int(try request.integer("limit", default: 500, in: 1...Int64(configuration.maxPull)))
        let label = principal.garrison?.rawValue ?? principal.role.rawValue
        let page = try await refusing(label) { try await store.snapshot(of: garrison, after: after, limit: limit, for: principal) }
        return try .json(page)
    }

    /// The garrison a read is about: a node's own (a `garrison` parameter naming another is refused); the
    /// national node names it.
    private func target(_ request: Request, _ principal: Principal) throws -> GarrisonCode {
        let asked = request.text("garrison").map(GarrisonCode.init(rawValue:))
        if let own = principal.garrison {
            if let asked, asked != own {
                metrics.refused(garrison: own.rawValue, code: "cross_tenant")
                throw Problem.forbidden("cross_tenant", "this certificate is for garrison \(own); it cannot read garrison \(asked)")
            }
            return own
        }
        guard let asked else {
            throw Problem.badRequest("missing_parameter", "the national role names the garrison to read: ?garrison=CODE")
        }
        guard registry.contains(asked) else { throw Problem.notFound("unknown_garrison", "garrison \(asked) does not exist") }
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
