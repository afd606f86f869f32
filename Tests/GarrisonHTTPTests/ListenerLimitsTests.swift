import Foundation
import GarrisonHTTP
import GarrisonTestSupport
import Hummingbird
import Synchronization
import Testing

/// `ListenerLimits` on a real Hummingbird server driven by raw sockets: what is cut (idle, slow head, slow
/// body, over the cap) and what is not (keep-alive request after request, an answer that takes long).
@Suite(.serialized, .takesTurns)
struct ListenerLimitsTests {
    @Test("a slowloris trickling its request head is cut at the header timeout")
    func slowHeaderIsCut() async throws {
        let limits = ListenerLimits(idleTimeout: .milliseconds(500), headerTimeout: .milliseconds(1500), bodyTimeout: .seconds(5), maxConnections: 10)
        try await TestListener.with(limits) { port, stats in
            let connection = try await RawConnection.open(port: port)
            let start = ContinuousClock.now
            connection.send("GET /hello HTTP/1.1\r\nHost: x\r\n")
            var closedAfter: Duration?
            // One byte every 200 ms: each comes well inside the idle timeout, the head never ends.
            while closedAfter == nil, ContinuousClock.now - start < .seconds(10) {
                try await Task.sleep(for: .milliseconds(200))
                if !connection.send("X") || connection.drain().closed { closedAfter = ContinuousClock.now - start }
            }
            let after = try #require(closedAfter, "the trickling connection was still open after 10 s")
            // Never before the deadline; later only by how late this (possibly starved) test looks.
            #expect(after >= .milliseconds(1400) && after < .milliseconds(4500), "cut after \(after)")
            #expect(stats.snapshot.cut[.header] == 1 && stats.snapshot.cut[.idle] == 0)
        }
    }

    @Test("a connection that sends nothing is cut at the idle timeout")
    func idleIsCut() async throws {
        let limits = ListenerLimits(idleTimeout: .milliseconds(500), headerTimeout: .seconds(3), bodyTimeout: .seconds(5), maxConnections: 10)
        try await TestListener.with(limits) { port, stats in
            let connection = try await RawConnection.open(port: port)
            let closed = try #require(try await connection.waitClosed(within: .seconds(8)), "the idle connection was still open after 8 s")
            #expect(closed.after >= .milliseconds(400) && closed.after < .milliseconds(2500), "cut after \(closed.after)")
            #expect(stats.snapshot.cut[.idle] == 1 && stats.snapshot.cut[.header] == 0)
        }
    }

    @Test("keep-alive: requests one after another and an answer slower than every timeout are never cut")
    func keepAliveIsNotCut() async throws {
        let limits = ListenerLimits(idleTimeout: .seconds(3), headerTimeout: .seconds(3), bodyTimeout: .seconds(5), maxConnections: 10)
        try await TestListener.with(limits) { port, stats in
            let connection = try await RawConnection.open(port: port)
            // Ten requests 500 ms apart: 5 s on one connection, beyond the idle and header timeouts counted
            // from the connection's opening; each response restarts them.
            for _ in 0..<10 {
                #expect(connection.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"))
                let response = try await connection.readResponse(within: .seconds(2.5))
                #expect(response?.hasPrefix("HTTP/1.1 200") == true && response?.hasSuffix("hello") == true, "\(response ?? "no response")")
                try await Task.sleep(for: .milliseconds(500))
            }
            // The answer takes 2 s (a long-poll, say): no timer runs while the server prepares it.
            #expect(connection.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"))
            let slow = try await connection.readResponse(within: .seconds(4))
            #expect(slow?.hasPrefix("HTTP/1.1 200") == true && slow?.hasSuffix("slow") == true, "\(slow ?? "no response")")
            #expect(!connection.drain().closed)
            #expect(stats.snapshot.cut.values.reduce(0, +) == 0)
        }
    }

    @Test("a request body that does not arrive in time is cut at the body timeout")
    func slowBodyIsCut() async throws {
        let limits = ListenerLimits(idleTimeout: .seconds(5), headerTimeout: .seconds(5), bodyTimeout: .seconds(1), maxConnections: 10)
        try await TestListener.with(limits) { port, stats in
            let connection = try await RawConnection.open(port: port)
            connection.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
            let start = ContinuousClock.now
            var closedAfter: Duration?
            while closedAfter == nil, ContinuousClock.now - start < .seconds(10) {
                try await Task.sleep(for: .milliseconds(200))
                if !connection.send("X") || connection.drain().closed { closedAfter = ContinuousClock.now - start }
            }
            let after = try #require(closedAfter, "the slow body was still arriving after 10 s")
            #expect(after >= .milliseconds(800) && after < .milliseconds(4000), "cut after \(after)")
            #expect(stats.snapshot.cut[.body] == 1)
        }
    }

    @Test("beyond max_connections a new connection gets 503 problem+json and is closed; a freed place is taken again")
    func capRefuses() async throws {
        let limits = ListenerLimits(idleTimeout: .seconds(10), headerTimeout: .seconds(10), bodyTimeout: .seconds(10), maxConnections: 2)
        try await TestListener.with(limits) { port, stats in
            let first = try await RawConnection.open(port: port)
            let second = try await RawConnection.open(port: port)
            try await Task.sleep(for: .milliseconds(300))
            let third = try await RawConnection.open(port: port)
            let refused = try #require(try await third.waitClosed(within: .seconds(2)), "the connection over the cap stayed open")
            let answer = String(decoding: refused.bytes, as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 503") && answer.contains("application/problem+json") && answer.contains("too_many_connections"))
            #expect(stats.snapshot.refused == 1 && stats.snapshot.open == 2)

            first.close()
            // The listener learns of the close on its event loop; on a busy machine that takes a moment.
            let freed = ContinuousClock.now + .seconds(5)
            while stats.snapshot.open > 1, ContinuousClock.now < freed { try await Task.sleep(for: .milliseconds(20)) }
            #expect(stats.snapshot.open == 1, "the closed connection still counts as open after 5 s")
            let fourth = try await RawConnection.open(port: port)
            fourth.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try await fourth.readResponse(within: .seconds(5))
            #expect(response?.hasPrefix("HTTP/1.1 200") == true, "\(response ?? "no response")")
            second.close()
        }
    }
}

/// A Hummingbird server on a free loopback port with `limits`, for the duration of `body`.
enum TestListener {
    /// One at a time with the other timing-sensitive tests of the process (see `TimingSensitive`).
    static func with(_ limits: ListenerLimits, _ body: (Int, ListenerStats) async throws -> Void) async throws {
        try await TimingSensitive.exclusive { try await serve(limits, body) }
    }

    private static func serve(_ limits: ListenerLimits, _ body: (Int, ListenerStats) async throws -> Void) async throws {
        let stats = ListenerStats(name: "test")
        let router = Router()
        router.get("/hello") { _, _ in "hello" }
        router.get("/slow") { _, _ in
            try await Task.sleep(for: .seconds(2))
            return "slow"
        }
        router.post("/echo") { request, _ in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            return "\(buffer.readableBytes)"
        }
        let port = Mutex<Int?>(nil)
        let app = Application(
            router: router, server: try .limited(limits, stats: stats),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        let task = Task { try await app.run() }
        defer { task.cancel() }
        let deadline = ContinuousClock.now + .seconds(60)
        while port.withLock({ $0 }) == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let bound = try #require(port.withLock { $0 })
        try await body(bound, stats)
        task.cancel()
        _ = await task.result
    }
}
