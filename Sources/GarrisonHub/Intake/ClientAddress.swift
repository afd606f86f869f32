#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, parsed strictly (`inet_pton`): what the intake's per-address limit keys on.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6; an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is taken as the IPv4 one,
    /// so a dual-stack listener does not give one client two budgets.
    public let bytes: [UInt8]

    /// Parses `192.0.2.1` or `2001:db8::1`; nil for anything else (ports, zones, host names, `unknown`).
    public init?(_ text: some StringProtocol) {
        let text = String(text)
        guard !text.isEmpty, text.count <= 45 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let raw = withUnsafeBytes(of: &v6) { Array($0) }
        bytes = raw[0..<10].allSatisfy { $0 == 0 } && raw[10] == 0xff && raw[11] == 0xff ? Array(raw[12...]) : raw
    }

    public var isIPv4: Bool { bytes.count == 4 }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    /// What the per-address limit counts under: the address itself for IPv4, its /64 for IPv6, since one
    /// subscriber line is routinely given a whole /64 and could otherwise pick a fresh address per report.
    var limitKey: String {
        if isIPv4 { return description }
        return stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":") + "::/64"
    }
}

/// An address or a CIDR block (`10.0.0.0/8`, `2001:db8::/32`, `127.0.0.1`): an entry of `intake.trusted_proxies`.
public struct AddressBlock: Hashable, Sendable, CustomStringConvertible {
    public let base: IPAddress
    public let prefixLength: Int

    /// Parses `address` or `address/prefix`; nil when either part does not read.
    public init?(_ text: some StringProtocol) {
        let parts = text.trimmingSpaces.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let base = IPAddress(parts[0]) else { return nil }
        let bits = base.bytes.count * 8
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...bits).contains(length) else { return nil }
            prefixLength = length
        } else {
            prefixLength = bits
        }
        self.base = base
    }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == base.bytes.count else { return false }
        var remaining = prefixLength
        for (a, b) in zip(address.bytes, base.bytes) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xff : ~(0xff >> UInt8(remaining))
            guard a & mask == b & mask else { return false }
            remaining -= 8
        }
        return true
    }

    public var description: String { "\(base)/\(prefixLength)" }
}

/// Who is asking, for the per-address limits: the TCP peer, or, when the peer is one of the operator's trusted
/// proxies, the client that proxy names in `X-Forwarded-For` (or, without it, RFC 7239 `Forwarded: for=`).
///
/// Anyone can send those headers, so they count only from a trusted peer, and only the part the trusted hops
/// appended: walking the chain from the right, the first address not in the trusted set is the client. Whatever a
/// client wrote further left (`X-Forwarded-For: 1.2.3.4, …`) is never reached.
enum ClientAddress {
    /// The client's address. `peer` is the TCP peer; `forwardedFor` the `X-Forwarded-For` field lines and
    /// `forwarded` the `Forwarded` ones, in the order received. Nil only when there is no TCP peer address.
    static func resolve(
        peer: IPAddress?, forwardedFor: [String], forwarded: [String], trusted: [AddressBlock]
    ) -> IPAddress? {
        guard let peer else { return nil }
        func isTrusted(_ address: IPAddress) -> Bool { trusted.contains { $0.contains(address) } }
        guard isTrusted(peer) else { return peer }
        let hops = forwardedFor.isEmpty ? forwarded.flatMap(forwardedElements) : forwardedFor.flatMap(forwardedForElements)
        var client = peer
        for hop in hops.reversed() {
            // A trusted proxy wrote this entry; one that does not read (`unknown`, an obfuscated name) leaves the
            // nearest address known for sure: the proxy's own, so its clients share one budget rather than none.
            guard let address = IPAddress(hop) else { return client }
            client = address
            if !isTrusted(address) { return address }
        }
        // Every hop trusted: the request came from the operator's own machines (a health check, say).
        return client
    }

    /// `X-Forwarded-For: 203.0.113.7, 198.51.100.2` → each address, without a port (`1.2.3.4:80`, `[::1]:80`).
    static func forwardedForElements(_ line: String) -> [String] {
        line.split(separator: ",").map { stripPort($0.trimmingSpaces.unquoted) }
    }

    /// `Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"` → each `for=` value, without a port.
    static func forwardedElements(_ line: String) -> [String] {
        line.split(separator: ",").map { element in
            let pair = element.split(separator: ";").first { $0.trimmingSpaces.lowercased().hasPrefix("for=") }
            guard let pair else { return "" }
            return stripPort(pair.trimmingSpaces.dropFirst(4).trimmingSpaces.unquoted)
        }
    }

    /// `[2001:db8::1]:4711` → `2001:db8::1`; `192.0.2.1:80` → `192.0.2.1`; a bare IPv6 address is left whole.
    static func stripPort(_ text: Substring) -> String {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return String(text) }
            return String(text[text.index(after: text.startIndex)..<close])
        }
        let colons = text.filter { $0 == ":" }.count
        if colons == 1, let colon = text.firstIndex(of: ":") { return String(text[..<colon]) }
        return String(text)
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: Substring {
        let view = Substring(self)
        let start = view.firstIndex { $0 != " " && $0 != "\t" } ?? view.endIndex
        let end = view.lastIndex { $0 != " " && $0 != "\t" }.map { view.index(after: $0) } ?? start
        return view[start..<Swift.max(start, end)]
    }

    fileprivate var unquoted: Substring {
        let view = Substring(self)
        guard view.count >= 2, view.first == "\"", view.last == "\"" else { return view }
        return view.dropFirst().dropLast()
    }
}
