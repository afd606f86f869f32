import Foundation
import GarrisonCore
import GarrisonHTTP
import Hummingbird

/// The citizens' intake (DESIGN §6, pillar 3): `POST /v1/public/reports` on its own public listener. A citizen's
/// app sends a place, a category and a description with its device id; the hub routes the place to its county
/// and garrison, allows one report per device per day, validates it like any change and puts it in the garrison's
/// feed. The answer never says anything about who reported, and the device id is stored only as a hash.
struct IntakeRoutes {
    let store: HubStore
    let metrics: HubMetrics
    let configuration: HubConfiguration
    /// Routes a point to its county; nil when the hub has no boundaries (`intake.counties`): then the app names
    /// the county.
    let router: CountyRouter?

    /// The citizen's report.
    struct Submission: Decodable {
        let deviceID: String
        let category: Int
        let description: String
        /// The pin on the map; required when the hub routes by point (`intake.counties`).
        let location: Location?
        let county: String?
        let eventAt: Int64?
        let timeOfDay: String?

        struct Location: Decodable {
            let lat: Double
            let lon: Double
        }

        private enum CodingKeys: String, CodingKey {
            case deviceID = "device_id"
            case category, description, location, county
            case eventAt = "event_at"
            case timeOfDay = "time_of_day"
        }
    }

    /// What the citizen gets back: the report's id (to follow its public status) and who handles it.
    struct Receipt: Encodable {
        let id: String
        let garrison: String
        let county: String
    }

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/healthz") { _, _ in Response.jsonBytes(Array(#"{"status":"ok"}"#.utf8)) }
        router.addOpenAPI(HubOpenAPI.intakeListener)
        router.post("/v1/public/reports") { request, context in
            try await answering(context) {
                let submission = try await request.decodeJSON(Submission.self, limit: configuration.intakeMaxBodyBytes)
                let receipt = try await accept(submission)
                context.logger.info("citizen's report accepted", metadata: ["report": "\(receipt.id)", "garrison": "\(receipt.garrison)"])
                return try .json(receipt, status: .created)
            }
        }
    }

    private func accept(_ submission: Submission) async throws -> Receipt {
        guard (8...128).contains(submission.deviceID.count) else {
            throw Problem.badRequest("invalid_device", "device_id is 8–128 characters")
        }
        if let text = submission.timeOfDay, TimeOfDay(rawValue: text) == nil {
            throw Problem(.unprocessableContent, code: "invalid_field",
                detail: "time_of_day is one of \(TimeOfDay.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let point = submission.location.map { Coordinate(latitude: $0.lat, longitude: $0.lon) }
        let route = try self.route(point, county: submission.county)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var random = SystemRandomNumberGenerator()
        let id = UUIDv7.make(millis: now, using: &random)
        let version = store.applier.validator.catalogues.keys.max() ?? 1
        let report = ReportWriter.NewReport(
            id: id, garrison: route.garrison, county: route.county, location: point, category: submission.category,
            categoryVersion: version, description: submission.description, pillar: .citizensOnline,
            eventAtMillis: submission.eventAt, timeOfDay: submission.timeOfDay.flatMap(TimeOfDay.init(rawValue:)), daysOfWeek: [],
            unit: nil)
        let state: ReportState
        do {
            state = try await store.intake(
                garrison: route.garrison, deviceID: submission.deviceID, perDay: configuration.intakeReportsPerDevicePerDay,
                nowMillis: now
            ) { writer in writer.create(report, nowMillis: now) }
        } catch let problem as Problem where problem.code == "not_covered_yet" {
            metrics.refused(garrison: route.garrison.rawValue, code: problem.code)
            throw Problem.conflict(
                "not_covered_yet", "the threat map does not cover \(route.garrisonName) yet; call 112 in an emergency")
        }
        return Receipt(id: state.reportID, garrison: route.garrison.rawValue, county: route.county.rawValue)
    }

    /// The point's county by the boundaries, or the county the app named (checked to exist).
    private func route(_ point: Coordinate?, county: String?) throws -> Route {
        if let router {
            guard let point else {
                throw Problem(.unprocessableContent, code: "location_required", detail: "the report needs its place: location {lat, lon}")
            }
            switch router.route(point) {
            case .routed(let route): return route
            case .outsidePoland, .unknownCounty:
                throw Problem(.unprocessableContent, code: "outside_poland", detail: "the place \(point) is in no Polish county")
            }
        }
        guard let county else {
            throw Problem(.unprocessableContent, code: "county_required", detail: "this hub routes by county: name the county's TERYT code")
        }
        let code: CountyCode
        do {
            code = try CountyCode(validating: county)
        } catch {
            throw Problem(.unprocessableContent, code: "invalid_county", detail: "county \"\(county)\" is not a TERYT county code")
        }
        guard let route = CountyRouter.routeByCode(code) else {
            throw Problem(.unprocessableContent, code: "unknown_county", detail: "no garrison covers county \(county)")
        }
        return route
    }
}
