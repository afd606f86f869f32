import Foundation
import GarrisonCore
import GarrisonHTTP
import GarrisonPKI
import Hummingbird

/// The administrators' rollout and PKI API (admin certificate only, DESIGN §6–§7): enrollment tokens, phase
/// changes with their gates and audit, and the certificates the hub knows with their days to expiry.
struct RolloutRoutes {
    let store: HubStore
    let metrics: HubMetrics
    let gatekeeper: Gatekeeper
    let configuration: HubConfiguration
    /// The hub's own server certificate and the CA, for the expiry listing.
    let ownCertificates: [CertificateSummary]

    /// `POST /v1/admin/enrollment-tokens` body.
    struct TokenOrder: Decodable {
        let role: String?
        let garrison: String?
        let ttlHours: Double?

        private enum CodingKeys: String, CodingKey {
            case role, garrison
            case ttlHours = "ttl_hours"
        }
    }

    /// `POST /v1/admin/garrisons/{code}/{promote|suspend|resume}` body.
    struct PhaseOrder: Decodable {
        let reason: String
    }


    func register(on router: Router<HubRequestContext>) {
        let admin = router.group("/v1/admin").add(middleware: RoleGate.administrators(metrics: metrics))
        admin.post("/enrollment-tokens") { request, context in
            let principal = try context.principal()
            let order = try await request.decodeJSON(TokenOrder.self, limit: 64 << 10)
            guard let role = CertificateIdentity.Role(rawValue: order.role ?? "node") else {
                throw Problem.badRequest(.invalidRole, "role is node or national")
            }
            let hours = order.ttlHours ?? 24
            guard hours > 0, hours <= 24 * 30 else { throw Problem.badRequest(.invalidTtl, "ttl_hours is more than 0 and at most 720") }
            let token = try await store.createEnrollmentToken(
                role: role, garrison: order.garrison.map(GarrisonCode.init(rawValue:)), ttl: .seconds(Int64(hours * 3600)),
                by: principal)
            context.logger.with(principal).notice("enrollment token created", metadata: [
                "token": "\(token.tokenID)", "garrison": "\(token.garrison ?? "-")", "role": "\(token.role)",
            ])
            return try Response.json(token, status: .created)
        }
        admin.get("/enrollment-tokens") { request, context in
            let limit = Int(try request.integer("limit", default: 100, in: 1...10_000))
            return try Response.json(try await store.enrollmentTokens(limit: limit))
        }
        for action in PhaseAction.allCases {
            admin.post("/garrisons/{code}/\(action.rawValue)") { request, context in
                let principal = try context.principal()
                let code = GarrisonCode(rawValue: try context.parameters.require("code"))
                let order = try await request.decodeJSON(PhaseOrder.self, limit: 64 << 10)
                let result = try await store.changePhase(
                    of: code, action, by: principal, reason: order.reason, gates: configuration.rollout.gates)
                context.logger.with(principal).notice("garrison phase changed", metadata: [
                    "target": "\(code)", "from": "\(result.change.from)", "to": "\(result.change.to)", "reason": "\(order.reason)",
                ])
                return try Response.json(result)
            }
        }
        admin.get("/audit") { request, context in
            let garrison = request.text("garrison").map(GarrisonCode.init(rawValue:))
            let limit = Int(try request.integer("limit", default: 100, in: 1...10_000))
            return try Response.json(try await store.phaseAudit(garrison: garrison, limit: limit))
        }
        admin.get("/certificates") { _, context in
            return try Response.json(try await certificateLines())
        }
    }

    /// The hub's own certificates, those it signed, and those it has seen, each once, soonest expiry first.
    func certificateLines(now: Date = Date()) async throws -> [CertificateLine] {
        var lines: [String: CertificateLine] = [:]
        func add(_ serial: String, _ identity: String, _ source: String, _ notAfter: Date) {
            guard lines[serial] == nil else { return }
            lines[serial] = CertificateLine(
                serial: serial, identity: identity, source: source, notAfter: notAfter,
                daysToExpiry: Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down)),
                revoked: gatekeeper.isRevoked(serial))
        }
        for own in ownCertificates { add(own.serial, own.identity?.uri ?? own.subject, "hub", own.notAfter) }
        for seen in gatekeeper.seenCertificates { add(seen.serial, seen.identity, "seen", seen.notAfter) }
        for issued in try await store.issuedCertificates() {
            let identity = "\(CertificateIdentity.uriPrefix)\(issued.role):\(issued.garrison ?? "-"):\(issued.nodeID)"
            add(issued.serial, identity, "enrolled", issued.notAfter)
        }
        return lines.values.sorted { ($0.daysToExpiry, $0.serial) < ($1.daysToExpiry, $1.serial) }
    }

}
