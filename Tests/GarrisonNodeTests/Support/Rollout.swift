import Foundation
import GarrisonCore
import GarrisonHub
import GarrisonHubClient
import GarrisonPKI
import GarrisonTestSupport

/// What the rollout tests do as an administrator (the same admin API garrisonctl calls) and as a node's operator
/// (the same enrollment client `garrison node enroll` runs).
struct Rollout {
    let hub: TestHub
    let admin: HubClient

    /// A one-time token for a garrison's node (nil: the national node), valid `ttlHours`.
    func token(_ garrison: GarrisonCode?, ttlHours: Double = 1) async throws -> String {
        try await admin.createEnrollmentToken(garrison: garrison?.rawValue, ttlHours: ttlHours).token
    }

    /// Enrolls a node the way `garrison node enroll` does and writes its files where `TestNode` looks for them.
    @discardableResult
    func enroll(_ garrison: GarrisonCode, token: String? = nil, claiming claimed: GarrisonCode? = nil) async throws -> EnrollmentClient.Enrolled {
        let token = if let token { token } else { try await self.token(garrison) }
        let enrolled = try await EnrollmentClient.enroll(
            url: try await hub.enrollmentURL(), token: token, caPEM: hub.pki.ca.certificatePEM, garrison: claimed ?? garrison)
        try enrolled.credential.write(to: hub.pki.directory, name: "node-\(garrison.rawValue)")
        return enrolled
    }

    func phase(_ garrison: GarrisonCode, _ action: PhaseAction, reason: String = "test") async throws -> PhaseChangeResult {
        try await admin.changePhase(garrison.rawValue, action, reason: reason)
    }

    /// The refusal of a phase change (it must be refused).
    func refusedPhase(_ garrison: GarrisonCode, _ action: PhaseAction) async throws -> HubClientError {
        do {
            _ = try await phase(garrison, action)
        } catch let error as HubClientError {
            return error
        }
        throw LocalAPIClient.Failure("\(action.rawValue) of \(garrison) was not refused")
    }

    func overview(_ garrison: GarrisonCode) async throws -> GarrisonOverview {
        let all = try await admin.overview()
        return try all.first { $0.garrison == garrison.rawValue } ?? { throw LocalAPIClient.Failure("no garrison \(garrison)") }()
    }
}
