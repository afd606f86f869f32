import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to 127.0.0.1 driven byte by byte, for tests of how listeners treat hostile clients
/// (idle, slow, floods). Non-blocking throughout: every wait is an async sleep between polls, never a blocked
/// thread of the cooperative pool.
public final class RawConnection: @unchecked Sendable {
    /// The socket; -1 once closed. Only the test task that owns the connection uses it.
    public private(set) var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { close() }

    /// A socket call that failed, or a wait that ran out.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) { self.description = description }
    }

    /// Connects to `127.0.0.1:port`, waiting at most `timeout` (a listener whose backlog is full never answers).
    public static func open(port: Int, timeout: Duration = .seconds(2)) async throws -> RawConnection {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket(): \(String(cString: strerror(errno)))") }
        let connection = RawConnection(fd: fd)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result == 0 { return connection }
        guard errno == EINPROGRESS else { throw Failure(description: "connect(): \(String(cString: strerror(errno)))") }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            if poll(&poller, 1, 0) > 0 {
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                guard error == 0 else { throw Failure(description: "connect(): \(String(cString: strerror(error)))") }
                return connection
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw Failure(description: "connect(): no answer within \(timeout)")
    }

    /// Sends `bytes`; false when the peer has closed the connection (or reset it).
    @discardableResult
    public func send(_ bytes: some Collection<UInt8>) -> Bool {
        guard fd >= 0 else { return false }
        let data = Array(bytes)
        let sent = data.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return sent == data.count
    }

    /// Sends `text` as UTF-8.
    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads what has arrived: the bytes, and whether the peer has closed (end of stream or reset).
    public func drain() -> (bytes: [UInt8], closed: Bool) {
        guard fd >= 0 else { return ([], true) }
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                collected += buffer[0..<count]
                continue
            }
            if count == 0 { return (collected, true) }
            return (collected, !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        }
    }

    /// Waits until the peer closes, reading and keeping what it sent; nil when it is still open after `timeout`.
    public func waitClosed(within timeout: Duration) async throws -> (after: Duration, bytes: [UInt8])? {
        let start = ContinuousClock.now
        var received: [UInt8] = []
        while ContinuousClock.now - start < timeout {
            let (bytes, closed) = drain()
            received += bytes
            if closed { return (ContinuousClock.now - start, received) }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Reads one HTTP response (head and a `Content-Length` body) within `timeout`; nil if none came.
    public func readResponse(within timeout: Duration) async throws -> String? {
        let start = ContinuousClock.now
        var received: [UInt8] = []
        while ContinuousClock.now - start < timeout {
            let (bytes, closed) = drain()
            received += bytes
            let text = String(decoding: received, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n") {
                let head = text[..<end.lowerBound].lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if text.utf8.count - text.utf8.distance(from: text.utf8.startIndex, to: end.upperBound) >= length { return text }
            }
            if closed { return received.isEmpty ? nil : text }
            try await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Closes the socket (idempotent).
    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }
}

/// Free TCP ports of 127.0.0.1, for daemons run as processes with a configured port.
public enum LoopbackPort {
    /// A port free right now (bound and released; another process could take it, which no test here does).
    public static func free() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawConnection.Failure(description: "socket(): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw RawConnection.Failure(description: "bind(): \(String(cString: strerror(errno)))") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
