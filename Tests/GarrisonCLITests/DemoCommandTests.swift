import Foundation
import Testing

/// `garrison demo` as a newcomer runs it.
@Suite struct DemoCommandTests {
    @Test("the demo ends with a JSON summary: nothing lost or duplicated, converged")
    func demoJSON() throws {
        let run = try CLI.run("garrison", ["demo", "--duration", "20", "--garrisons", "KSP,20,22", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try run.lastLineJSON()
        #expect(summary["lost"] as? Int == 0)
        #expect(summary["duplicated"] as? Int == 0)
        #expect(summary["converged"] as? Bool == true)
        let garrisons = try #require(summary["garrisons"] as? [[String: Any]])
        #expect(garrisons.compactMap { $0["garrison"] as? String } == ["20", "22", "KSP"])
        for row in garrisons {
            let made = try #require(row["made"] as? Int)
            #expect(made > 0)
            #expect(row["at_hub"] as? Int == made)
            #expect(row["at_national"] as? Int == made)
        }
        #expect(run.stdout.contains("garrison   made  at_hub"), "a table for people precedes the JSON")
        #expect(run.stderr.contains("[load]"), "progress is shown while it runs")
    }

    @Test("a bad argument is refused with a message naming it", arguments: [
        (["demo", "--garrisons", "99"], "--garrisons"), (["demo", "--duration", "0"], "--duration"),
        (["demo", "--rate", "-1"], "--rate"),
    ])
    func badArgument(arguments: [String], mentions: String) throws {
        let run = try CLI.run("garrison", arguments)
        #expect(run.status == 64)
        #expect(run.stderr.contains(mentions), "\(run.stderr)")
    }
}
