import Foundation
import GarrisonConfig
import GarrisonCore
import GarrisonNode
import GarrisonPKI
import Logging

/// A running node of the demo (a garrison's, or the national one): its own SQLite store and certificate, its
/// units' local API on a free port, and the tokens its units use.
final class DemoNode: Sendable {
    let garrison: GarrisonCode?
    let nodeID: String
    let node: Node
    let api: UnitsAPI
    /// The voivodeship coordinator's token (the national node: national HQ staff).
    let coordinator: String
    /// An officer's token per local unit (KMP/KPP id); empty at the national node.
    let officers: [String: String]
    /// Between a garrison's node and the hub; nil for the national node, which is never cut off.
    let link: DemoLink?
    private let task: Task<Void, any Error>

    var store: NodeStore { node.store }

    /// Configures and starts an enrolled node (`garrison` nil: the national node following `followed`); `link`
    /// is a garrison's line to the hub.
    static func start(
        garrison: GarrisonCode?, followed: [GarrisonCode], enrolled: (nodeID: String, credential: Credential),
        cluster: DemoCluster, link: DemoLink?, logger: Logger
    ) async throws -> DemoNode {
        let national = garrison == nil
        let (nodeID, credential) = enrolled
        try credential.write(to: cluster.pkiDirectory, name: nodeID)
        let pki = cluster.pkiDirectory
        var values = [
            "store.path": cluster.directory.appendingPathComponent("\(nodeID).sqlite").path,
            "hub.url": "https://localhost:\(link?.port ?? cluster.hubPort)",
            "tls.certificate": pki.appendingPathComponent("\(nodeID).pem").path,
            "tls.key": pki.appendingPathComponent("\(nodeID).key").path, "tls.ca": cluster.caPath,
            "api.address": "127.0.0.1:0",
            // Short waits and backoff: a demo shows catching up within seconds of the line coming back.
            "sync.backoff_base_ms": "200", "sync.backoff_ceiling_ms": "2000",
            "sync.refused_backoff_base_ms": "500", "sync.refused_backoff_ceiling_ms": "2000",
            "sync.pull_wait_seconds": "2", "hub.request_timeout_seconds": "15", "sync.reference_refresh_seconds": "5",
        ]
        if let garrison {
            values["node.garrison"] = garrison.rawValue
        } else {
            values["node.role"] = "national"
            values["national.garrisons"] = followed.map(\.rawValue).joined(separator: ",")
        }
        let configuration = try NodeConfiguration(config: ConfigSource(values: values))
        let node = try buildNode(configuration: configuration, logger: logger)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let coordinator = try node.store.issueToken(
            unit: nil, role: national ? .national : .voivodeship,
            label: national ? "KGP demo analyst" : "KWP \(garrison!.rawValue) demo coordinator", nowMillis: now
        ).token
        var officers: [String: String] = [:]
        for county in garrison.map(DemoCounties.of) ?? [] {
            let unit = LocalUnit(county: county).id
            officers[unit] = try node.store.issueToken(unit: unit, role: .officer, label: "dyżurny \(unit)", nowMillis: now).token
        }
        let task = Task { try await node.run() }
        let port: Int
        do {
            port = try await node.boundPort()
        } catch {
            await node.shutdown()
            _ = await task.result
            throw error
        }
        DemoOutput.step(national
            ? "national node \(nodeID) following \(followed.map(\.rawValue).joined(separator: ", ")); local API on 127.0.0.1:\(port)"
            : "node \(nodeID) of garrison \(garrison!.rawValue) syncing through its line 127.0.0.1:\(link?.port ?? 0); "
                + "units' API on 127.0.0.1:\(port), \(officers.count) units' tokens issued")
        return DemoNode(
            garrison: garrison, nodeID: nodeID, node: node, api: UnitsAPI(baseURL: "http://127.0.0.1:\(port)"),
            coordinator: coordinator, officers: officers, link: link, task: task)
    }

    private init(
        garrison: GarrisonCode?, nodeID: String, node: Node, api: UnitsAPI, coordinator: String, officers: [String: String],
        link: DemoLink?, task: Task<Void, any Error>
    ) {
        self.garrison = garrison
        self.nodeID = nodeID
        self.node = node
        self.api = api
        self.coordinator = coordinator
        self.officers = officers
        self.link = link
        self.task = task
    }

    /// Graceful shutdown, waited for.
    func stop() async {
        await node.shutdown()
        _ = await task.result
    }
}
