import Foundation
import GarrisonCore
import Logging

/// `garrison demo`: the real system in one process. A private PostgreSQL, the deployment CA, the hub over
/// mutual TLS, a node per garrison (each on its own SQLite store, behind a line to the hub that can be cut) and
/// the national node; then the units' work through the nodes' local API, one garrison cut off for the middle
/// third, a cross-border duplicate and a conflicting edit; then convergence is awaited and checked.
public enum Demo {
    /// Runs the demo and prints the summary; true when every replica converged with nothing lost or taken
    /// twice. Cancelling the calling task (Ctrl-C) stops everything and removes the temporary files.
    public static func run(_ options: DemoOptions, logger: Logger) async throws -> Bool {
        let started = ContinuousClock.now
        let places = try options.countiesPath.map { try DemoPlaces.fromGeoJSON(path: $0, garrisons: options.garrisons) }
            ?? DemoPlaces.byCode(options.garrisons)
        removeAbandonedDirectories()
        let directory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("garrison-demo-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        DemoOutput.step("working directory \(directory.path)")
        let cluster: DemoCluster
        do {
            cluster = try await DemoCluster.start(directory: directory, logger: logger)
        } catch {
            if !options.keep { try? FileManager.default.removeItem(at: directory) }
            throw error
        }
        let deployment = DemoDeployment(cluster: cluster)
        do {
            let summary = try await deployment.run(options, places: places, logger: logger, started: started)
            await deployment.stop()
            finish(directory, keep: options.keep)
            print(summary.table)
            if options.json { print(summary.json) }
            return summary.succeeded
        } catch {
            await deployment.stop()
            finish(directory, keep: options.keep)
            throw error
        }
    }

    /// Removes the directories of demos whose process is gone (killed with SIGKILL, or crashed); `--keep`
    /// directories are left alone. Their PostgreSQL clusters are cleaned up by `EmbeddedPostgres.start`.
    private static func removeAbandonedDirectories() {
        let temp = URL(fileURLWithPath: NSTemporaryDirectory())
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: temp.path)) ?? [] where entry.hasPrefix("garrison-demo-") {
            let directory = temp.appendingPathComponent(entry)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue,
                let pid = entry.split(separator: "-").dropFirst(2).first.flatMap({ Int32($0) }), kill(pid, 0) != 0, errno == ESRCH,
                !FileManager.default.fileExists(atPath: directory.appendingPathComponent("kept").path)
            else { continue }
            try? FileManager.default.removeItem(at: directory)
        }
    }

    private static func finish(_ directory: URL, keep: Bool) {
        if keep {
            _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("kept").path, contents: nil)
            DemoOutput.step("kept \(directory.path) (certificates and SQLite stores; the PostgreSQL cluster is stopped and removed)")
        } else {
            try? FileManager.default.removeItem(at: directory)
            DemoOutput.step("stopped; PostgreSQL cluster and \(directory.path) removed")
        }
    }
}
