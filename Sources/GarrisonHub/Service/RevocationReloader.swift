import Foundation
import GarrisonPKI
import Logging
import ServiceLifecycle

/// Reads the revocation list (`tls.revocation_list`) at start and again whenever the file's modification time or
/// size changes, so `garrisonctl pki revoke` takes effect without a restart. A file that does not parse keeps the
/// previous list in force (never fail open) and is logged as an error.
struct RevocationReloader: Service {
    let path: String
    let interval: Duration
    let gatekeeper: Gatekeeper
    let logger: Logger

    /// Loads the list once, failing start-up on a file that does not parse (the operator must fix it first).
    func loadInitial() throws {
        let list = try RevocationList(contentsOf: path)
        gatekeeper.adopt(list)
        logger.info("revocation list loaded", metadata: ["path": "\(path)", "revoked": "\(list.serials.count)"])
    }

    func run() async throws {
        var stamp = Self.stamp(of: path)
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: interval)
            let current = Self.stamp(of: path)
            guard current != stamp else { continue }
            stamp = current
            do {
                let list = try RevocationList(contentsOf: path)
                gatekeeper.adopt(list)
                logger.notice("revocation list reloaded", metadata: ["path": "\(path)", "revoked": "\(list.serials.count)"])
            } catch {
                logger.error("revocation list not reloaded; the previous one stays in force", metadata: ["error": "\(error)"])
            }
        }
    }

    private static func stamp(of path: String) -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "absent" }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(modified)-\(attributes[.size] as? Int ?? -1)"
    }
}
