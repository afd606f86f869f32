import Foundation
import GarrisonTestSupport
import Testing

/// `garrison demo` (the real system) and `garrison simulate` (the seeded simulation) as a newcomer runs them.
@Suite struct DemoCommandTests {
    @Test("the real demo ends with a JSON summary: nothing lost or duplicated, converged, the scenarios seen")
    func demoJSON() async throws {
        // 14 and 20 share a border (the cross-border duplicate), 20 is the garrison cut off.
        let run = try await CLI.run("garrison", ["demo", "--duration", "15", "--garrisons", "KSP,14,20", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try run.lastLineJSON()
        #expect(summary["lost"] as? Int == 0)
        #expect(summary["duplicated"] as? Int == 0)
        #expect(summary["converged"] as? Bool == true)
        let garrisons = try #require(summary["garrisons"] as? [[String: Any]])
        #expect(garrisons.compactMap { $0["garrison"] as? String } == ["14", "20", "KSP"])
        for row in garrisons {
            let made = try #require(row["made"] as? Int)
            #expect(made > 0)
            #expect(row["at_hub"] as? Int == made)
            #expect(row["at_national"] as? Int == made)
        }
        let duplicate = try #require(summary["cross_border_duplicate"] as? [String: Bool])
        #expect(!duplicate.isEmpty && duplicate.values.allSatisfy { $0 }, "\(duplicate)")
        let edit = try #require(summary["conflicting_edit"] as? [String: String])
        #expect(edit["recorded_at_hub"] == "yes", "\(edit)")
        #expect(run.stdout.contains("garrison   made  at_hub"), "a table for people precedes the JSON")
        let pillars = try #require(summary["pillars"] as? [String: Int])
        #expect(Set(pillars.keys) == ["police_systems", "direct_contact", "citizens_online"], "all three pillars: \(pillars)")
        #expect(run.stderr.contains("[load]"), "progress is shown while it runs")
        #expect(run.stderr.contains("enrolled node n20-") && run.stderr.contains("CSR signed by the hub"), "the real enrollment")
        #expect(run.stderr.contains("promoted 20: planned → pilot") && run.stderr.contains("promoted 20: pilot → live"))
        #expect(run.stderr.contains("garrison 20 cut off"))
    }

    @Test("Ctrl-C stops the demo and removes its directory and its PostgreSQL cluster")
    func interrupted() async throws {
        let process = Process()
        process.executableURL = try Executables.url("garrison")
        process.arguments = ["demo", "--duration", "120", "--garrisons", "20"]
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("garrison-cli-demo-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        process.standardError = try FileHandle(forWritingTo: errorFile)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var stderr = ""
        let deadline = ContinuousClock.now + .seconds(90)
        while !stderr.contains("[load]"), process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        }
        #expect(stderr.contains("[load]"), "\(stderr)")
        process.interrupt()
        // Polled, not waitUntilExit(): a blocked pool thread would stall the tests running beside this one.
        while process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 130, "\(stderr)")
        func path(after marker: String) -> String? {
            stderr.split(separator: "\n").first { $0.contains(marker) }.map { String($0.split(separator: " ").last ?? "") }
        }
        let working = try #require(path(after: "working directory"))
        let postgres = try #require(path(after: "embedded PostgreSQL running in"))
        #expect(!FileManager.default.fileExists(atPath: working))
        #expect(!FileManager.default.fileExists(atPath: postgres))
    }

    @Test("a bad argument is refused with a message naming it", arguments: [
        (["demo", "--garrisons", "99"], "--garrisons"), (["demo", "--duration", "0"], "--duration"),
        (["demo", "--rate", "-1"], "--rate"), (["demo", "--counties", "/nonexistent.geojson"], "--counties"),
        (["simulate", "--garrisons", "99"], "--garrisons"), (["simulate", "--loss", "1.5"], "--loss"),
    ])
    func badArgument(arguments: [String], mentions: String) async throws {
        let run = try await CLI.run("garrison", arguments)
        #expect(run.status == 64)
        #expect(run.stderr.contains(mentions), "\(run.stderr)")
    }

    @Test("the seeded simulation stays reachable as `garrison simulate`")
    func simulate() async throws {
        let run = try await CLI.run("garrison", ["simulate", "--duration", "10", "--garrisons", "KSP,20,22", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try run.lastLineJSON()
        #expect(summary["converged"] as? Bool == true)
        #expect(summary["lost"] as? Int == 0)
    }
}
