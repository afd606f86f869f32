import Foundation
import GarrisonSystemd
import GarrisonTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The node speaks the systemd notify protocol itself: READY=1 once its API serves, STATUS= with the queue,
/// WATCHDOG=1 while healthy, STOPPING=1 at SIGTERM. The test plays systemd's part with a datagram socket.
@Suite("systemd notify")
struct NodeSystemdTests {
    /// A datagram socket standing in for systemd's notify socket.
    final class NotifySocket {
        let path: String
        let fd: Int32

        init() throws {
            path = "/tmp/gn-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard fd >= 0, bound == 0 else { throw LocalAPIClient.Failure("cannot bind \(path)") }
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit {
            close(fd)
            unlink(path)
        }

        /// Messages received until one contains `text`, or nil after `seconds`.
        func await(_ text: String, seconds: Double) -> [String]? {
            var received: [String] = []
            let deadline = Date().addingTimeInterval(seconds)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline {
                let count = recv(fd, &buffer, buffer.count, 0)
                guard count > 0 else { continue }
                received.append(String(decoding: buffer[..<count], as: UTF8.self))
                if received.last?.contains(text) == true { return received }
            }
            return nil
        }
    }

    @Test("the notifier does nothing outside systemd and reads the watchdog interval")
    func notifier() {
        #expect(!SystemdNotifier(environment: [:]).isActive)
        #expect(!SystemdNotifier(environment: [:]).notify("READY=1"))
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000"])
        #expect(notifier.watchdogInterval == .seconds(15))
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "1", "WATCHDOG_PID": "1"]).watchdogInterval == nil)
    }

    @Test("garrison node: READY=1 with its status once serving, WATCHDOG=1 while healthy, STOPPING=1 at SIGTERM")
    func daemon() async throws {
        let pki = try TestPKI()
        try pki.node("20").write(to: pki.directory, name: "node-20")
        let port = try NodeProcess.freePort()
        let config = pki.directory.appendingPathComponent("systemd-node.yaml")
        try """
            node: { garrison: "20" }
            store: { path: systemd.sqlite }
            hub: { url: "https://127.0.0.1:9" }
            tls: { certificate: node-20.pem, key: node-20.key, ca: ca.pem }
            api: { address: "127.0.0.1:\(port)" }
            sync: { enabled: false }
            """.write(to: config, atomically: true, encoding: .utf8)
        let socket = try NotifySocket()
        let node = try await NodeProcess(
            config: config.path, port: port, log: pki.directory.appendingPathComponent("systemd-node.log"),
            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "1000000"])
        let ready = try #require(socket.await("READY=1", seconds: 20), "no READY=1 from the node")
        #expect(ready.last?.contains("STATUS=queue 0") == true, "\(ready)")
        #expect(socket.await("WATCHDOG=1", seconds: 5) != nil, "no watchdog ping")
        #expect(await node.terminate() == 0)
        #expect(socket.await("STOPPING=1", seconds: 5) != nil, "no STOPPING=1 at SIGTERM")
    }
}
