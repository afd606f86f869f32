import Foundation
import GarrisonCore
import GarrisonPKI

/// Stand-ins for enrollment and promotion, kept in this one place so that the real flows can replace them.
///
/// Today: `enroll` issues the node's credential straight from the demo's CA, and `promote` sets the phase in the
/// hub's database as the superuser. Being built: a one-time enrollment token and a CSR the hub signs (DESIGN §7),
/// and promotion through the hub's admin API with its readiness gates. Swap the bodies; the callers stay.
struct DemoRollout: Sendable {
    let cluster: DemoCluster

    /// A credential for a new node of `garrison` (nil and `.national` for the national node), with a fresh node id.
    func enroll(garrison: GarrisonCode?, role: CertificateIdentity.Role) throws -> (nodeID: String, credential: Credential) {
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let nodeID = role == .national ? "national-\(suffix)" : "n\(garrison?.rawValue.lowercased() ?? "-")-\(suffix)"
        let credential = try cluster.ca.issueCredential(for: CertificateIdentity(role: role, garrison: garrison, nodeID: nodeID))
        DemoOutput.step(role == .national
            ? "enrolled national node \(nodeID)"
            : "enrolled node \(nodeID) for garrison \(garrison?.rawValue ?? "-")")
        return (nodeID, credential)
    }

    /// Moves `garrison` to phase `live` (from `planned`, where the hub refuses its node).
    func promote(garrison: GarrisonCode) throws {
        // The code comes from the registry (validated options), never from free text: safe to inline.
        precondition(GarrisonRegistry.standard.contains(garrison))
        try cluster.postgres.execute(
            "UPDATE garrisons SET phase = 'live' WHERE code = '\(garrison.rawValue)'", database: cluster.database)
        DemoOutput.step("promoted \(garrison.rawValue) to live")
    }
}
