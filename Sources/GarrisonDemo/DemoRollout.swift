import Foundation
import GarrisonCore
import GarrisonHubClient
import GarrisonPKI

/// The rollout as administrators and garrison operators do it (DESIGN §7), through the same calls garrisonctl and
/// `garrison node enroll` make: a one-time token from the admin API, a key and CSR made for the node and signed
/// by the hub's enrollment listener, then promotion planned → pilot → live behind the hub's readiness gates.
struct DemoRollout: Sendable {
    let cluster: DemoCluster

    /// Enrolls a new node of `garrison` (nil: the national node): token, local key, CSR, signed certificate.
    func enroll(garrison: GarrisonCode?) async throws -> (nodeID: String, credential: Credential) {
        let token = try await cluster.admin.createEnrollmentToken(garrison: garrison?.rawValue, ttlHours: 1)
        let enrolled = try await EnrollmentClient.enroll(
            url: cluster.enrollmentURL, token: token.token, caPEM: cluster.ca.certificatePEM, garrison: garrison)
        let nodeID = enrolled.answer.nodeID
        DemoOutput.step((garrison.map { "enrolled node \(nodeID) for garrison \($0)" } ?? "enrolled national node \(nodeID)")
            + " (one-time token \(token.tokenID), key made locally, CSR signed by the hub)")
        return (nodeID, enrolled.credential)
    }

    /// One step along planned → pilot → live; a failed gate throws the hub's refusal (409 `gate_failed`).
    @discardableResult
    func promote(_ garrison: GarrisonCode, reason: String) async throws -> PhaseChangeResult {
        let result = try await cluster.admin.changePhase(garrison.rawValue, .promote, reason: reason)
        let gates = result.gates.map { "\($0.gate) \($0.passed ? "ok" : "failed")" }.joined(separator: ", ")
        DemoOutput.step("promoted \(garrison.rawValue): \(result.change.from) → \(result.change.to) (gates: \(gates))")
        return result
    }

    /// Promotes a piloted garrison to live once its node has synced and reported a drained queue (the gates the
    /// hub checks), retrying while a gate still fails, for at most `timeout`.
    func goLive(_ garrison: GarrisonCode, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                try await promote(garrison, reason: "pilot synced, queue drained")
                return
            } catch let refusal as HubClientError where refusal.code == .gateFailed && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }
}
