import GarrisonTestSupport
import Foundation
import GarrisonCore
import GarrisonHub
import GarrisonHubClient
import GarrisonSimulation
import PostgresNIO
import Testing

/// Shared helpers of the hub tests.
enum HubFixtures {
    static let now: Int64 = 1_790_000_000_000

    /// One report per garrison, each created by its own node; returns the creation changes by garrison.
    static func oneReportPerGarrison(_ hub: TestHub) async throws -> [GarrisonCode: Change] {
        var made: [GarrisonCode: Change] = [:]
        for garrison in GarrisonRegistry.standard.garrisons.map(\.code) {
            var workload = GarrisonWorkload(garrison: garrison, site: SiteID(rawValue: "node-\(garrison.rawValue)"), seed: seed(garrison))
            let change = workload.create(nowMillis: now)
            let ack = try await hub.withClient(hub.pki.node(garrison)) { client in
                try await client.push(PushRequest(changes: [QueuedChange(seq: 1, change: change)]))
            }
            try #require(ack.ackedThrough == 1 && ack.rejections.isEmpty, "garrison \(garrison)'s own report was refused")
            made[garrison] = change
        }
        return made
    }

    /// A workload seed of its own for each garrison (one seed everywhere would make the same report ids).
    static func seed(_ garrison: GarrisonCode) -> UInt64 {
        garrison.rawValue.unicodeScalars.reduce(1469598103934665603) { ($0 ^ UInt64($1.value)) &* 1099511628211 }
    }

    static func storedStates(_ hub: TestHub) async throws -> [String: ReportState] { try await hub.storedStates() }

    static func count(_ hub: TestHub, _ sql: String) async throws -> Int64 { try await hub.count(sql) }
}
