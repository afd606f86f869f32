import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GarrisonEmbeddedPostgres
import GarrisonTestSupport
import Testing

/// The hub as its own process on a PostgreSQL of its own that the test freezes (SIGSTOP: connections stay open,
/// nothing answers, as a hung server does) or stops: `/readyz` tells starting from serving, and SIGTERM ends the
/// hub within its grace whatever the database is doing (issue 18, item 1). Two clusters in all, since starting
/// one is heavy on two cores where other tests measure timeouts.
@Suite(.serialized, .takesTurns) struct HubHungDatabaseTests {
    /// Short deadlines, so that the test sees them: a statement's 2 s, a whole call's 12 s, the shutdown's 3 s.
    static let extra: [String: [String: String]] = [
        "database": ["query_timeout_seconds": "2", "connect_timeout_seconds": "2"],
        "limits": ["shutdown_grace_seconds": "3"],
    ]

    static func readyz(_ hub: HubProcess, within timeout: Duration = .seconds(2)) async -> String {
        (try? await HubProcess.get(port: hub.opsPort, "/readyz", within: timeout)) ?? "no answer"
    }

    /// `/readyz` asked every 50 ms until its answer satisfies `done` or `limit` passes; the last answer.
    static func readyz(_ hub: HubProcess, until limit: Duration, _ done: (String) -> Bool) async throws -> String {
        let end = ContinuousClock.now + limit
        var answer = "no answer"
        while !done(answer), ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(50))
            answer = await readyz(hub)
        }
        return answer
    }

    /// SIGTERM; the stop must come within 20 s, by the hub's own exit, not by a fatal error past the cancellation.
    static func stop(_ hub: HubProcess, _ database: String) async throws -> Duration {
        let exit = try await hub.terminate(within: .seconds(20))
        let stopped = try #require(exit, "the hub did not stop within 20 s of SIGTERM, database \(database)\n\(hub.logText)")
        #expect(stopped.status >= 0, "ended by a signal (a fatal error past the cancellation's 5 s)\n\(hub.logText)")
        return stopped.after
    }

    @Test("a hub whose database hangs as it starts answers /readyz 503 hub_starting, 200 once it serves; SIGTERM under a hung request ends it within the grace")
    func hungDatabase() async throws {
        let place = try await EmbeddedPostgres.privateDeployment()
        defer { place.cluster.stop() }
        try place.cluster.freeze()
        let hub = try await HubProcess(descriptors: 4096, extra: Self.extra, on: place, waitUntilReady: false)
        defer { hub.kill() }
        let starting = try await Self.readyz(hub, until: .seconds(10)) { $0.contains("hub_starting") }
        #expect(starting.hasPrefix("HTTP/1.1 503") && starting.contains("hub_starting"), "\(starting)\n\(hub.logText)")
        try place.cluster.thaw()
        let ready = try await Self.readyz(hub, until: .seconds(60)) { $0.hasPrefix("HTTP/1.1 200") }
        #expect(ready.hasPrefix("HTTP/1.1 200") && ready.contains("\"status\":\"ready\""), "\(ready)\n\(hub.logText)")

        // Hung under a request: the request holds the drain for the grace (3 s), then it is cancelled.
        try place.cluster.freeze()
        defer { try? place.cluster.thaw() }
        let probe = Task { await Self.readyz(hub, within: .seconds(20)) }
        try await Task.sleep(for: .seconds(1))
        let after = try await Self.stop(hub, "frozen")
        #expect(after < .seconds(8), "took \(after)")
        probe.cancel()
    }

    @Test("SIGTERM ends a hub whose database is down at once: nothing holds the drain, the wait for a connection included")
    func databaseDown() async throws {
        let place = try await EmbeddedPostgres.privateDeployment()
        defer { place.cluster.stop() }
        let hub = try await HubProcess(descriptors: 4096, extra: Self.extra, on: place)
        defer { hub.kill() }
        // Down: the pool's connections close, the feed listener waits for a lease that cannot come.
        place.cluster.stop()
        try await Task.sleep(for: .seconds(2))
        let after = try await Self.stop(hub, "down")
        #expect(after < .seconds(2.5), "took \(after) with nothing in flight (the grace is 3 s)")
    }
}
