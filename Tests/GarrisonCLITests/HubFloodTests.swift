import Foundation
import GarrisonCore
import GarrisonHubClient
import GarrisonTestSupport
import Testing

/// Issue 13's finding, replayed against the real hub process: hundreds of idle and slow connections to the public
/// intake under a descriptor limit of 256 once froze every listener and SIGTERM. Now the intake's cap and
/// timeouts bound them, sync and ops answer meanwhile, and SIGTERM stops the hub within seconds.
@Suite(.serialized)
struct HubFloodTests {
    /// A flood connection and what became of it.
    final class Flooder {
        let connection: RawConnection
        let opened = ContinuousClock.now
        var received: [UInt8] = []
        init(_ connection: RawConnection) { self.connection = connection }
    }

    @Test("an intake flood under ulimit -n 256: push and readyz answer within 1 s, slow connections are cut in time, SIGTERM stops the hub within 10 s")
    func intakeFlood() async throws {
        try await TimingSensitive.exclusive { try await flood() }
    }

    private func flood() async throws {
        let idleTimeout = Duration.seconds(2)
        let headerTimeout = Duration.seconds(4)
        let hub = try await HubProcess(descriptors: 256, extra: [
            "intake": ["idle_timeout_seconds": "2", "header_timeout_seconds": "4"],  // max_connections: the default 128
            "limits": ["max_wait_seconds": "30"],
        ])
        var running = true
        defer { if running { hub.kill() } }
        let node = try hub.pki.node("20")
        let client = try HubClient(
            baseURL: "https://localhost:\(hub.tlsPort)", certificatePEM: node.certificatePEM, keyPEM: node.keyPEM,
            caPEM: hub.pki.ca.certificatePEM, retryConnecting: false)
        defer { Task { try? await client.shutdown() } }

        // 0. The baseline: the same push and /readyz before any flood (the push opens the mTLS connection).
        let baselineStart = ContinuousClock.now
        _ = try await client.push(PushRequest(changes: []))
        let baselinePush = ContinuousClock.now - baselineStart
        let baselineReadyStart = ContinuousClock.now
        _ = try await HubProcess.get(port: hub.opsPort, "/readyz", within: .seconds(3))
        let baselineReady = ContinuousClock.now - baselineReadyStart

        // 1. The flood: 100 connections that send a request head a byte a second (first, so they are all let in
        //    under the cap of 128 and meet the header timeout), then 300 that send nothing (the cap refuses most).
        var idle: [Flooder] = []
        var slow: [Flooder] = []
        var unconnected = 0
        for index in 0..<400 {
            do {
                let flooder = Flooder(try await RawConnection.open(port: hub.intakePort, timeout: .seconds(1)))
                if index < 100 {
                    flooder.connection.send("POST /v1/public/reports HTTP/1.1\r\n")
                    slow.append(flooder)
                } else {
                    idle.append(flooder)
                }
            } catch {
                unconnected += 1
            }
        }
        let descriptors = hub.openDescriptors

        // 2. Meanwhile sync over mutual TLS and the ops listener answer: measured in a task of their own while
        //    step 3 watches the flood (so a cut is seen when it happens). Each is asked five times and its median
        //    taken: the suite runs beside other tests on a two-core machine, and one request can lose the CPU for
        //    a moment whatever the hub does. The baseline (the same requests before any flood) is printed beside.
        let opsPort = hub.opsPort
        let measured = Task {
            var pushLatencies: [Duration] = []
            var readyLatencies: [Duration] = []
            var lastAck: PushAck?
            var lastReady: String?
            for _ in 0..<5 {
                let pushStart = ContinuousClock.now
                lastAck = try await client.push(PushRequest(changes: []))
                pushLatencies.append(ContinuousClock.now - pushStart)
                let readyStart = ContinuousClock.now
                lastReady = try await HubProcess.get(port: opsPort, "/readyz", within: .seconds(3))
                readyLatencies.append(ContinuousClock.now - readyStart)
            }
            return (pushLatencies, readyLatencies, lastAck, lastReady)
        }

        // 3. The slow ones keep sending a byte a second; every connection ends: refused at once (503) when over
        //    the cap, cut at the idle timeout when silent, at the header timeout when trickling.
        var refused = 0
        var cutIdle: [Duration] = []
        var cutSlow: [Duration] = []
        var openIdle = idle
        var openSlow = slow
        let watchDeadline = ContinuousClock.now + headerTimeout + .seconds(4)
        var lastByte = ContinuousClock.now
        while !(openIdle.isEmpty && openSlow.isEmpty), ContinuousClock.now < watchDeadline {
            if ContinuousClock.now - lastByte >= .seconds(1) {
                for flooder in openSlow { flooder.connection.send("X") }
                lastByte = ContinuousClock.now
            }
            func sweep(_ flooders: inout [Flooder], into cuts: inout [Duration]) {
                flooders.removeAll { flooder in
                    let (bytes, closed) = flooder.connection.drain()
                    flooder.received += bytes
                    guard closed else { return false }
                    if String(decoding: flooder.received.prefix(12), as: UTF8.self) == "HTTP/1.1 503" {
                        refused += 1
                    } else {
                        cuts.append(ContinuousClock.now - flooder.opened)
                    }
                    flooder.connection.close()
                    return true
                }
            }
            sweep(&openIdle, into: &cutIdle)
            sweep(&openSlow, into: &cutSlow)
            try await Task.sleep(for: .milliseconds(50))
        }
        let (pushLatencies, readyLatencies, lastAck, lastReady) = try await measured.value
        let pushLatency = pushLatencies.sorted()[2]
        let readyLatency = readyLatencies.sorted()[2]
        #expect(lastAck?.ackedThrough == 0)
        #expect(pushLatency < .seconds(1), "push took \(pushLatencies)")
        #expect(lastReady?.hasPrefix("HTTP/1.1 200") == true, "\(lastReady ?? "no answer to /readyz")")
        #expect(readyLatency < .seconds(1), "readyz took \(readyLatencies)")
        #expect(pushLatencies.allSatisfy { $0 < .seconds(3) } && readyLatencies.allSatisfy { $0 < .seconds(3) },
                "push \(pushLatencies), readyz \(readyLatencies)")
        let stillOpen = openIdle.count + openSlow.count
        let slowest = cutSlow.max() ?? .zero
        let longestIdle = cutIdle.max() ?? .zero
        #expect(stillOpen == 0, "\(stillOpen) flood connections still open after \(headerTimeout + .seconds(4))")
        #expect(refused >= 200, "400 connections against a cap of 128, and only \(refused) refused")
        #expect(longestIdle <= idleTimeout + .milliseconds(1500), "an idle connection lasted \(longestIdle)")
        #expect(!cutSlow.isEmpty && slowest <= headerTimeout + .milliseconds(1500), "a slow connection lasted \(slowest)")
        #expect(cutSlow.allSatisfy { $0 >= headerTimeout - .milliseconds(500) }, "a slow connection was cut before its header timeout")

        // 4. Flooded again, with a long-poll parked over mutual TLS: SIGTERM stops the hub within 10 s.
        var second: [RawConnection] = []
        for _ in 0..<300 {
            if let connection = try? await RawConnection.open(port: hub.intakePort, timeout: .seconds(1)) { second.append(connection) }
        }
        let pull = Task { try? await client.pull(cursor: 0, limit: 10, wait: 30) }
        try await Task.sleep(for: .milliseconds(500))
        let exit = try await hub.terminate(within: .seconds(10))
        running = exit == nil
        let stop = try #require(exit, "the hub did not exit within 10 s of SIGTERM")
        let page = await pull.value
        second.forEach { $0.close() }
        #expect(stop.status == 0, "exit status \(stop.status): \(hub.logText.suffix(2000))")
        #expect(stop.after < .seconds(10))
        #expect(page != nil, "the long-poll got no answer at shutdown")
        let log = hub.logText
        #expect(!log.contains("CONTINUATION MISUSE") && !log.contains("leaked"), "\(log.suffix(2000))")

        print("""
            intake flood (ulimit -n 256, intake idle \(idleTimeout), header \(headerTimeout), max_connections 128):
              opened \(idle.count + slow.count) (300 idle, 100 slow; \(unconnected) could not connect), hub descriptors during the flood \(descriptors)
              refused at the cap (503, closed at once) \(refused); cut idle \(cutIdle.count) (longest \(longestIdle)); \
            cut slow \(cutSlow.count) (\(cutSlow.min() ?? .zero)…\(slowest)); still open \(stillOpen)
              push over mTLS: median \(pushLatency) of 5 flooded (baseline before the flood \(baselinePush))
              GET /readyz on ops: median \(readyLatency) of 5 flooded (baseline \(baselineReady))
              SIGTERM with \(second.count) idle intake connections and a long-poll open: exit \(stop.status) after \(stop.after)
            """)
    }
}
