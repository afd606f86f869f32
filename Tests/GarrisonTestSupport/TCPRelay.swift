import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A load balancer for tests: a loopback TCP port whose every connection is relayed, bytes untouched (TLS passes
/// through), to one of several upstream ports picked at random; each relayed connection is cut after a random
/// lifetime, so a client's keep-alive connections land on another upstream when they reconnect. Threads and
/// blocking sockets: a handful of connections at a time, and nothing of it on Swift's cooperative pool.
public final class TCPRelay: Sendable {
    public let port: Int
    private let listener: Int32
    private let upstreams: [Int]
    private let lifetime: ClosedRange<Double>
    private let state: Mutex<(random: SplitMixRandom, relayed: [Int], closed: Bool)>

    /// `lifetime`: seconds a relayed connection lives before the relay cuts it (both ends closed).
    public init(upstreams: [Int], seed: UInt64, lifetime: ClosedRange<Double> = 0.1...1.5) throws {
        self.upstreams = upstreams
        self.lifetime = lifetime
        state = Mutex((SplitMixRandom(seed: seed), Array(repeating: 0, count: upstreams.count), false))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            Glibc.close(fd)
            throw RelayError("cannot listen: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Connections relayed to each upstream so far, in the order of `upstreams`.
    public var relayed: [Int] { state.withLock { $0.relayed } }

    /// Stops accepting (relayed connections end with their lifetime).
    public func close() {
        state.withLock { $0.closed = true }
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if state.withLock({ $0.closed }) { return }
                continue
            }
            let (index, seconds) = state.withLock { state in
                let index = Int(state.random.next() % UInt64(upstreams.count))
                state.relayed[index] += 1
                let unit = Double(state.random.next() >> 11) / Double(1 << 53)
                return (index, lifetime.lowerBound + unit * (lifetime.upperBound - lifetime.lowerBound))
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: upstreams[index])
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                Glibc.close(upstream)
                Glibc.close(client)
                continue
            }
            let pair = RelayedPair(client: client, upstream: upstream)
            Thread { pair.pump(from: client, to: upstream) }.start()
            Thread { pair.pump(from: upstream, to: client) }.start()
            Thread {
                Thread.sleep(forTimeInterval: seconds)
                pair.cut()
            }.start()
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// One relayed connection: both sockets, closed by the last of its two pumps to end; a cut only shuts them
    /// down, under the same lock, so a descriptor is never touched after its close.
    final class RelayedPair: Sendable {
        let client: Int32
        let upstream: Int32
        private let ended = Mutex((directions: 0, closed: false))

        init(client: Int32, upstream: Int32) {
            self.client = client
            self.upstream = upstream
        }

        func pump(from source: Int32, to destination: Int32) {
            var buffer = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                var sent = 0
                while sent < count {
                    let written = buffer.withUnsafeBytes { send(destination, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
                    guard written > 0 else { break }
                    sent += written
                }
                guard sent == count else { break }
            }
            ended.withLock { state in
                state.directions += 1
                if state.directions == 1 {
                    shutdown(destination, Int32(SHUT_WR))
                } else {
                    state.closed = true
                    Glibc.close(client)
                    Glibc.close(upstream)
                }
            }
        }

        /// Ends the connection: both pumps see end-of-file and the last closes the descriptors.
        func cut() {
            ended.withLock { state in
                guard !state.closed else { return }
                shutdown(client, Int32(SHUT_RDWR))
                shutdown(upstream, Int32(SHUT_RDWR))
            }
        }
    }

    struct RelayError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// SplitMix64, for the relay's own choices (the core's is in GarrisonCore; this target needs none of it).
    struct SplitMixRandom {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
