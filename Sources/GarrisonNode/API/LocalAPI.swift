import Foundation
import GarrisonCore
import GarrisonHTTP
import GarrisonHubClient
import HTTPTypes
import Hummingbird
import Logging

/// The units' local API (HTTP, or HTTPS with `api.tls.*`). Every request but the probes carries a unit's bearer
/// token (`Authorization: Bearer gut_…`, issued with `garrison node token issue`); the token names the unit and
/// its role. A write answers only after its transaction (state, history, queued change) is on disk.
struct LocalAPI: Sendable {
    let node: Node

    private var store: NodeStore { node.store }

    func register(on router: Router<NodeRequestContext>) {
        router.addOpenAPI(NodeOpenAPI.document)
        // The staff's routes need a unit's token; the probes, the status and the public statistics do not.
        let staff = router.group().add(middleware: UnitTokenAuthenticator(store: store)).add(middleware: UnitRequired())
        let reports = staff.group("v1/reports")
        reports.post { request, context in
            let unit = try context.unit()
            let (bytes, key) = try await IdempotentRequest.body(
                of: request, limit: node.configuration.api.maxBodyBytes, client: unit.tokenID)
            let body = try Request.decodeJSON(CreateReportRequest.self, from: bytes)
            let write = try node.desk.keyed(key).create(body, by: unit)
            return try written(write, status: .created)
        }
        reports.get { request, context in
            let filter = try ReportFilter(request)
            let now = node.clock()
            let found = try store.reports(filter, nowMillis: now)
            return try Response.json(ReportPage(
                reports: found.map { ReportView($0, nowMillis: now) },
                nextAfter: found.count == filter.limit ? found.last?.reportID : nil))
        }
        reports.get(":id") { request, context in
            let id = try context.parameters.require("id")
            guard let state = try store.report(id) else {
                throw Problem.notFound(.unknownReport, "no report \(id) here")
            }
            return try Response.json(ReportDetail(
                report: ReportView(state, nowMillis: node.clock()), history: try store.history(id).map(HistoryView.init),
                conflicts: try store.conflicts(reportID: id)))
        }
        action(reports, "card", CardRequest.self) { id, body, unit, key in try node.desk.keyed(key).openCard(id, body, by: unit) }
        action(reports, "status", StatusRequest.self) { id, body, unit, key in
            try node.desk.keyed(key).moveStatus(id, to: body.status, by: unit)
        }
        action(reports, "reopen", ReopenRequest.self) { id, body, unit, key in
            try node.desk.keyed(key).reopen(id, reason: body.reason, by: unit)
        }
        action(reports, "handover", HandoverRequest.self) { id, body, unit, key in
            try node.desk.keyed(key).handover(id, to: body.to, by: unit)
        }
        action(reports, "notes", NoteRequest.self, status: .created) { id, body, unit, key in
            try node.desk.keyed(key).addNote(id, text: body.text, by: unit)
        }
        action(reports, "unit", AssignRequest.self) { id, body, unit, key in try node.desk.keyed(key).assign(id, to: body.unit, by: unit) }
        action(reports, "reassign", ReassignRequest.self) { id, body, user, key in
            try node.nationalDesk.keyed(key).reassign(id, to: body.garrison, by: user)
        }
        action(reports, "duplicate", DuplicateRequest.self) { id, body, user, key in
            try node.nationalDesk.keyed(key).linkDuplicate(id, of: body.of, by: user)
        }
        action(reports, "hidden", HiddenRequest.self) { id, body, user, key in
            try node.nationalDesk.keyed(key).hide(id, body.hidden, by: user)
        }

        staff.get("v1/catalogue") { request, context in
            return try Response.json(store.latestCatalogue)
        }
        staff.post("v1/catalogue") { request, context in
            let user = try context.unit()
            let body = try await request.decodeJSON(PublishCatalogueRequest.self, limit: node.configuration.api.maxBodyBytes)
            return try await publish(body, by: user, context)
        }
        staff.get("v1/conflicts") { request, context in
            return try Response.json(["conflicts": try store.conflicts()])
        }
        staff.get("v1/rejections") { request, context in
            return try Response.json(["rejections": try store.rejections()])
        }
        staff.get("v1/stats") { request, context in
            return try statistics(request, publicOnly: false)
        }
        router.get("v1/public/stats") { request, context in
            try statistics(request, publicOnly: true)
        }
        router.get("v1/status") { _, context in
            try Response.json(try node.statusView())
        }
        router.get("healthz") { _, _ in Response.jsonBytes(Array(#"{"status":"ok"}"#.utf8)) }
        router.get("readyz") { _, context in
            _ = try store.checkpoint()
            return Response.jsonBytes(Array(#"{"status":"ready"}"#.utf8))
        }
        router.get("metrics") { _, context in
            var response = Response.jsonBytes(node.metrics.render(try node.statusView(), nowMillis: node.clock(), api: node.apiStats.snapshot))
            response.headers[.contentType] = "text/plain; version=0.0.4"
            return response
        }
    }

    /// `POST /v1/reports/{id}/<name>` with a JSON body (and, if the client sends one, an `Idempotency-Key`),
    /// answered with the report's new state.
    private func action<Body: Decodable & Sendable>(
        _ group: RouterGroup<NodeRequestContext>, _ name: String, _ type: Body.Type, status: HTTPResponse.Status = .ok,
        _ perform: @escaping @Sendable (String, Body, UnitPrincipal, IdempotentRequest?) throws -> LocalWrite
    ) {
        group.post(":id/\(name)") { request, context in
            let unit = try context.unit()
            let id = try context.parameters.require("id")
            let (bytes, key) = try await IdempotentRequest.body(
                of: request, limit: node.configuration.api.maxBodyBytes, client: unit.tokenID)
            let body = try Request.decodeJSON(Body.self, from: bytes)
            return try written(try perform(id, body, unit, key), status: status)
        }
    }

    /// A committed write: wake the sync worker, answer with the report. A replayed one (a retry with its
    /// `Idempotency-Key`) answers as the first did, with the report as it is now and `Idempotent-Replayed: true`.
    private func written(_ write: LocalWrite, status: HTTPResponse.Status) throws -> Response {
        if !write.replayed { node.worker?.enqueued(through: write.seq) }
        var response = try Response.json(ReportView(write.state, nowMillis: node.clock()), status: status)
        response.headers[.location] = "/v1/reports/\(write.state.reportID)"
        if write.replayed { response.headers[.idempotentReplayed] = "true" }
        return response
    }

    /// Publishes the next catalogue version through the hub (the hub must be reachable: a catalogue is one
    /// national decision, not an offline write), then adopts every version the hub holds.
    private func publish(_ body: PublishCatalogueRequest, by user: UnitPrincipal, _ context: NodeRequestContext) async throws -> Response {
        guard user.role == .national, store.principal.role == .national, let client = node.client else {
            throw Problem.forbidden(.nationalOnly, "only national HQ staff at the national node publish the catalogue")
        }
        let catalogue: CategoryCatalogue
        do {
            catalogue = try CategoryCatalogue(version: store.latestCatalogue.version + 1, categories: body.categories)
        } catch {
            throw Problem(.unprocessableContent, code: error.code, detail: error.message)
        }
        do {
            try await client.publish(catalogue)
            try store.adopt(try await client.catalogues())
        } catch let error as HubClientError {
            throw Problem(HTTPResponse.Status(code: error.status), code: error.code, detail: "the hub refused: \(error.detail)")
        } catch let error as Problem {
            throw error
        } catch {
            context.logger.warning("publishing the catalogue failed", metadata: ["error": "\(error)"])
            throw Problem(.serviceUnavailable, code: .hubUnreachable, detail: "the hub could not be reached; publish again later", retryAfterSeconds: 30)
        }
        context.logger.notice("category catalogue published", metadata: ["version": "\(catalogue.version)", "by": "\(user.author)"])
        return try Response.json(catalogue, status: .created)
    }

    /// `GET /v1/stats` (staff) and `/v1/public/stats` (no token; live garrisons only, hidden reports left out):
    /// `from`, `to` (ms; the last 365 days by default; widened to whole days of Polish time), `period=day|week|month`,
    /// `garrison` (one garrison only), `format=json|csv`. Read from the pre-aggregated cells (`StatisticsCells`).
    private func statistics(_ request: Request, publicOnly: Bool) throws -> Response {
        let now = node.clock()
        let to = try request.integer("to", default: now + 1, in: 1...Int64.max)
        let from = try request.integer("from", default: to - 365 * 86_400_000, in: 0...(to - 1))
        guard let period = StatisticsQuery.Period(rawValue: request.text("period") ?? "month") else {
            throw Problem.badRequest(.invalidParameter, "period is day, week or month")
        }
        var garrison: GarrisonCode?
        if let code = request.text("garrison") {
            guard GarrisonRegistry.standard.contains(GarrisonCode(rawValue: code)) else {
                throw Problem.badRequest(.invalidParameter, "garrison \"\(code)\" is not one of the 17 garrisons")
            }
            garrison = GarrisonCode(rawValue: code)
        }
        var statistics = try store.statistics(
            StatisticsQuery(fromMillis: from, toMillis: to, period: period, publicOnly: publicOnly, garrison: garrison),
            nowMillis: now)
        let lags = node.worker?.measured.lagByFeed ?? [:]
        for index in statistics.garrisons.indices {
            statistics.garrisons[index].lagMillis = lags[GarrisonCode(rawValue: statistics.garrisons[index].garrison)]
        }
        switch request.text("format") ?? "json" {
        case "json":
            return try Response.json(statistics)
        case "csv":
            var response = Response.jsonBytes(Array(StatisticsCSV.render(statistics).utf8))
            response.headers[.contentType] = "text/csv; charset=utf-8"
            response.headers[.contentDisposition] = "attachment; filename=\"garrison-statistics.csv\""
            return response
        default:
            throw Problem.badRequest(.invalidParameter, "format is json or csv")
        }
    }


}

/// `GET /v1/reports`.
struct ReportPage: Encodable {
    let reports: [ReportView]
    /// Pass as `after` for the next page; absent on the last page.
    let nextAfter: String?

    enum CodingKeys: String, CodingKey {
        case reports
        case nextAfter = "next_after"
    }
}

/// `GET /v1/reports/{id}`.
struct ReportDetail: Encodable {
    let report: ReportView
    let history: [HistoryView]
    let conflicts: [ConflictRecord]
}

extension ReportFilter {
    /// The filter of `GET /v1/reports?status=&category=&county=&unit=&overdue=read|verify&after=&limit=`.
    init(_ request: Request) throws {
        self.init()
        if let text = request.text("status") {
            guard let status = ReportStatus(rawValue: text) else {
                throw Problem.badRequest(.invalidParameter, "status \"\(text)\" is not a status")
            }
            self.status = status
        }
        if request.text("category") != nil { category = Int(try request.integer("category", default: 0, in: 1...999)) }
        county = request.text("county")
        unit = request.text("unit")
        if let text = request.text("overdue") {
            guard let deadline = Deadlines.Deadline(rawValue: text) else {
                throw Problem.badRequest(.invalidParameter, "overdue is \"read\" (2 days) or \"verify\" (5 days)")
            }
            overdue = deadline
        }
        after = request.text("after")
        limit = Int(try request.integer("limit", default: 100, in: 1...1_000))
    }
}
