import Foundation
import GarrisonCore
import GarrisonHTTP
import HTTPTypes
import Hummingbird
import Synchronization

/// The citizens' intake (DESIGN §6, pillar 3) on its own public listener.
///
/// A citizen's app first asks for a device credential (`POST /v1/public/devices`), then sends each report
/// (`POST /v1/public/reports`) with it as `Authorization: Device <token>`, naming a place, a category and a
/// description; the hub routes the place to its county and garrison, validates it like any change and puts it in
/// the garrison's feed. The limits are per Warsaw day and cannot be minted around: per device (the id inside the
/// hub-signed credential, never a field of the body), per client address (behind trusted proxies only, see
/// `ClientAddress`) for reports and for credentials issued. Every limit answers 429 with `Retry-After` (seconds
/// to the next Warsaw midnight). The answer never says who reported; devices and addresses are stored only as
/// hashes.
struct IntakeRoutes {
    let store: HubStore
    let metrics: HubMetrics
    let configuration: HubConfiguration
    /// Routes a point to its county; nil when the hub has no boundaries (`intake.counties`): then the app names
    /// the county.
    let router: CountyRouter?
    let keyring: IntakeKeyring
    /// The last Warsaw day whose predecessors' counts this process forgot (the hub forgets them at start too).
    private let forgotten = DayMark()

    final class DayMark: Sendable {
        let day = Mutex(WarsawDay(containing: Date()))
    }

    init(store: HubStore, metrics: HubMetrics, configuration: HubConfiguration, router: CountyRouter?, keyring: IntakeKeyring) {
        self.store = store
        self.metrics = metrics
        self.configuration = configuration
        self.router = router
        self.keyring = keyring
    }

    /// The citizen's report. A `device_id` field, which older apps sent, is ignored: the device is the credential's.
    struct Submission: Decodable {
        let category: Int
        let description: String
        /// The pin on the map; required when the hub routes by point (`intake.counties`).
        let location: Location?
        /// The county's TERYT code: how the report is routed without boundaries; with them it must agree with
        /// the point.
        let county: String?
        let eventAt: Int64?
        let timeOfDay: String?

        struct Location: Decodable {
            let lat: Double
            let lon: Double
        }

        private enum CodingKeys: String, CodingKey {
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

    /// A new device credential, to send as `Authorization: Device <token>` with every report.
    struct Issued: Encodable {
        let token: String
    }

    /// The authorization scheme of the device credential.
    static let scheme = "Device"

    func register(on router: Router<IntakeRequestContext>) {
        router.get("/healthz") { _, _ in Response.jsonBytes(Array(#"{"status":"ok"}"#.utf8)) }
        router.addOpenAPI(HubOpenAPI.intakeListener)
        router.post("/v1/public/devices") { request, context in
            try await limited(request, context) { now in
                let credentials = try await keyring.current()
                let address = try clientAddress(request, context)
                try await store.countIssuance(
                    addressHash: credentials.addressHash(address), perDay: configuration.intake.credentialsPerAddressPerDay,
                    day: WarsawDay(containing: now))
                let issued = credentials.issue()
                context.logger.info("device credential issued")
                return try Response.json(Issued(token: issued.token), status: .created)
            }
        }
        router.post("/v1/public/reports") { request, context in
            try await limited(request, context) { now in
                let credentials = try await keyring.current()
                // The credential before the body: a request without one costs no parsing.
                let deviceID = try device(request, credentials)
                let address = try clientAddress(request, context)
                let submission = try await request.decodeJSON(Submission.self, limit: configuration.intake.maxBodyBytes)
                let limits = HubStore.IntakeLimits(
                    deviceID: deviceID, addressHash: credentials.addressHash(address),
                    perDevice: configuration.intake.reportsPerDevicePerDay, perAddress: configuration.intake.reportsPerAddressPerDay,
                    day: WarsawDay(containing: now))
                let receipt = try await accept(submission, limits: limits, now: now)
                context.logger.info("citizen's report accepted", metadata: ["report": "\(receipt.id)", "garrison": "\(receipt.garrison)"])
                return try Response.json(receipt, status: .created)
            }
        }
    }

    /// Runs an intake handler: every failure answers problem+json; a limit adds `Retry-After` (the seconds to the
    /// next Warsaw midnight, when every daily count starts again) and a missing or refused credential
    /// `WWW-Authenticate: Device`. On the first request of a new Warsaw day, earlier days' counts are forgotten.
    private func limited(
        _ request: Request, _ context: IntakeRequestContext, _ body: (Date) async throws -> Response
    ) async throws -> Response {
        let now = Date()
        let today = WarsawDay(containing: now)
        if forgotten.day.withLock({ mark in defer { mark = max(mark, today) }; return mark < today }) {
            do {
                try await store.forgetIntakeDevices()
            } catch {
                context.logger.warning("earlier days' intake counts not forgotten", metadata: ["error": "\(error)"])
            }
        }
        do {
            return try await body(now)
        } catch let problem as Problem {
            var response = try problem.response(from: request, context: context)
            switch problem.status {
            case .tooManyRequests: response.headers[.retryAfter] = "\(WarsawDay.secondsUntilNextDay(after: now))"
            case .unauthorized: response.headers[.wwwAuthenticate] = Self.scheme
            default: break
            }
            context.logger.info("intake request refused", metadata: ["code": "\(problem.code)"])
            return response
        }
    }

    /// The device id of the request's credential: 401 `credential_required` without one, 401
    /// `invalid_credential` for one the hub did not sign.
    private func device(_ request: Request, _ credentials: DeviceCredentials) throws -> String {
        guard let header = request.headers[.authorization], let space = header.firstIndex(of: " "),
            header[..<space].caseInsensitiveCompare(Self.scheme) == .orderedSame
        else {
            throw Problem(.unauthorized, code: .credentialRequired,
                detail: "send the device credential from POST /v1/public/devices as Authorization: Device <token>")
        }
        let token = header[header.index(after: space)...].trimmingCharacters(in: .whitespaces)
        guard let deviceID = credentials.verify(token) else {
            throw Problem(.unauthorized, code: .invalidCredential, detail: "the device credential was not issued by this service")
        }
        return deviceID
    }

    /// The client's address for the per-address limits (the TCP peer, or what a trusted proxy says it forwarded).
    private func clientAddress(_ request: Request, _ context: IntakeRequestContext) throws -> IPAddress {
        let peer = context.remoteAddress?.ipAddress.flatMap { IPAddress($0) }
        let resolved = ClientAddress.resolve(
            peer: peer, forwardedFor: request.headers[values: .intakeForwardedFor], forwarded: request.headers[values: .intakeForwarded],
            trusted: configuration.intake.trustedProxies)
        guard let resolved else {
            throw Problem.badRequest(.noClientAddress, "the intake serves TCP clients only")
        }
        return resolved
    }

    private func accept(_ submission: Submission, limits: HubStore.IntakeLimits, now date: Date) async throws -> Receipt {
        if let text = submission.timeOfDay, TimeOfDay(rawValue: text) == nil {
            throw Problem(.unprocessableContent, code: .invalidField,
                detail: "time_of_day is one of \(TimeOfDay.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let point = submission.location.map { Coordinate(latitude: $0.lat, longitude: $0.lon) }
        let route = try self.route(point, county: submission.county)
        let now = Int64(date.timeIntervalSince1970 * 1000)
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
            state = try await store.intake(garrison: route.garrison, limits: limits, nowMillis: now) { writer in
                writer.create(report, nowMillis: now)
            }
        } catch let problem as Problem where problem.code == .notCoveredYet {
            metrics.refused(garrison: route.garrison.rawValue, code: problem.code)
            throw Problem.conflict(
                .notCoveredYet, "the threat map does not cover \(route.garrisonName) yet; call 112 in an emergency")
        } catch let problem as Problem where problem.status == .tooManyRequests {
            metrics.refused(garrison: route.garrison.rawValue, code: problem.code)
            throw problem
        }
        return Receipt(id: state.reportID, garrison: route.garrison.rawValue, county: route.county.rawValue)
    }

    /// The point's county by the boundaries (a county the app also named must agree with it), or the county the
    /// app named (checked to exist).
    private func route(_ point: Coordinate?, county: String?) throws -> Route {
        if let router {
            guard let point else {
                throw Problem(.unprocessableContent, code: .locationRequired, detail: "the report needs its place: location {lat, lon}")
            }
            switch router.route(point) {
            case .routed(let route):
                // A point on overlapping simplified boundaries lies in its alternatives too: naming one of them
                // does not contradict the point.
                if let county, county != route.county.rawValue, !route.alternatives.contains(where: { $0.rawValue == county }) {
                    let name = route.countyName.map { " (\($0))" } ?? ""
                    throw Problem(.unprocessableContent, code: .countyMismatch,
                        detail: "the place \(point) is in county \(route.county.rawValue)\(name), not in county \(county)")
                }
                return route
            case .outsidePoland, .unknownCounty:
                throw Problem(.unprocessableContent, code: .outsidePoland, detail: "the place \(point) is in no Polish county")
            }
        }
        guard let county else {
            throw Problem(.unprocessableContent, code: .countyRequired, detail: "this hub routes by county: name the county's TERYT code")
        }
        let code: CountyCode
        do {
            code = try CountyCode(validating: county)
        } catch {
            throw Problem(.unprocessableContent, code: .invalidCounty, detail: "county \"\(county)\" is not a TERYT county code")
        }
        guard let route = CountyRouter.routeByCode(code) else {
            throw Problem(.unprocessableContent, code: .unknownCounty, detail: "no garrison covers county \(county)")
        }
        return route
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-For`, set by the proxies in front of the intake (believed from `intake.trusted_proxies` only).
    static let intakeForwardedFor = HTTPField.Name("X-Forwarded-For")!
    /// RFC 7239 `Forwarded` (its `for=` parameters), read when a trusted proxy sends no `X-Forwarded-For`.
    static let intakeForwarded = HTTPField.Name("Forwarded")!
}
