import Foundation
import GarrisonCore

/// The administrators' API (`/v1/admin/...`, an admin certificate), typed: garrisonctl, the demo and the tests
/// call the hub through these.
extension HubClient {
    /// `GET /v1/admin/garrisons`: every garrison's phase, wave, nodes, last contact, queue and lag.
    public func overview() async throws -> [GarrisonOverview] {
        try decode([GarrisonOverview].self, try await send(.GET, "/v1/admin/garrisons"))
    }

    /// `POST /v1/admin/garrisons/{code}/{promote|suspend|resume}`; a failed readiness gate throws
    /// `HubClientError` 409 `gate_failed` naming each failed gate.
    public func changePhase(_ garrison: String, _ action: PhaseAction, reason: String) async throws -> PhaseChangeResult {
        try decode(
            PhaseChangeResult.self,
            try await send(.POST, "/v1/admin/garrisons/\(garrison)/\(action.rawValue)", json: ["reason": reason]))
    }

    /// `GET /v1/admin/audit`: phase changes, newest first.
    public func phaseAudit(garrison: String? = nil, limit: Int = 100) async throws -> [PhaseChange] {
        try decode([PhaseChange].self, try await send(.GET, "/v1/admin/audit?limit=\(limit)" + (garrison.map { "&garrison=\($0)" } ?? "")))
    }

    /// `GET /v1/admin/certificates`: the certificates the hub knows, soonest expiry first.
    public func certificates() async throws -> [CertificateLine] {
        try decode([CertificateLine].self, try await send(.GET, "/v1/admin/certificates"))
    }

    /// `POST /v1/admin/enrollment-tokens`: a one-time token for a garrison's node (nil: the national node).
    public func createEnrollmentToken(garrison: String?, ttlHours: Double = 24) async throws -> EnrollmentToken {
        struct Order: Encodable {
            let role: String
            let garrison: String?
            let ttlHours: Double

            private enum CodingKeys: String, CodingKey {
                case role, garrison
                case ttlHours = "ttl_hours"
            }
        }
        let order = Order(role: garrison == nil ? "national" : "node", garrison: garrison, ttlHours: ttlHours)
        return try decode(EnrollmentToken.self, try await send(.POST, "/v1/admin/enrollment-tokens", json: order))
    }
}
