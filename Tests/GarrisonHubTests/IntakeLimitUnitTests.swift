import Foundation
import GarrisonConfig
@testable import GarrisonHub
import Testing

/// The pieces of the intake's limits that need no database: the Warsaw day, the client address behind trusted
/// proxies, and the device credentials.
@Suite struct IntakeLimitUnitTests {
    /// 2026-mm-dd hh:mm:ss UTC.
    static func utc(_ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int = 0, year: Int = 2026) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
    }

    @Test("the day is Warsaw's: 23:30 UTC in summer is already tomorrow, in winter still today")
    func warsawDay() {
        // Summer (CEST, UTC+2): Warsaw midnight is 22:00 UTC.
        #expect(WarsawDay(containing: Self.utc(7, 1, 21, 59, 59)).description == "2026-07-01")
        #expect(WarsawDay(containing: Self.utc(7, 1, 22, 0)).description == "2026-07-02")
        #expect(WarsawDay(containing: Self.utc(7, 1, 23, 30)).description == "2026-07-02")
        // Winter (CET, UTC+1): midnight is 23:00 UTC.
        #expect(WarsawDay(containing: Self.utc(1, 15, 22, 59)).description == "2026-01-15")
        #expect(WarsawDay(containing: Self.utc(1, 15, 23, 30)).description == "2026-01-16")
        // New Year's Eve in Warsaw starts the next year's first day.
        #expect(WarsawDay(containing: Self.utc(12, 31, 23, 0)).description == "2027-01-01")
        #expect(WarsawDay(containing: Self.utc(12, 31, 23, 0)) > WarsawDay(containing: Self.utc(12, 31, 22, 59)))
    }

    @Test("Retry-After runs to the next Warsaw midnight, across the days the clocks change")
    func retryAfter() {
        #expect(WarsawDay.secondsUntilNextDay(after: Self.utc(7, 1, 21, 0)) == 3600)
        #expect(WarsawDay.secondsUntilNextDay(after: Self.utc(7, 1, 22, 0)) == 86_400)
        #expect(WarsawDay.secondsUntilNextDay(after: Self.utc(1, 15, 22, 59, 59)) == 1)
        #expect(WarsawDay.secondsUntilNextDay(after: Date(timeIntervalSince1970: Self.utc(1, 15, 22, 59, 59).timeIntervalSince1970 + 0.5)) == 1)
        // 29 March 2026: clocks go forward at 01:00 UTC, a 23-hour Warsaw day (23:00 UTC on the 28th to 22:00).
        #expect(WarsawDay(containing: Self.utc(3, 28, 23, 0)).end == Self.utc(3, 29, 22, 0))
        #expect(WarsawDay.secondsUntilNextDay(after: Self.utc(3, 28, 23, 0)) == 23 * 3600)
        // 25 October 2026: clocks go back, a 25-hour day (22:00 UTC on the 24th to 23:00 on the 25th).
        #expect(WarsawDay.secondsUntilNextDay(after: Self.utc(10, 24, 22, 0)) == 25 * 3600)
        #expect(WarsawDay(containing: Self.utc(10, 25, 22, 30)).description == "2026-10-25")
    }

    @Test("addresses and CIDR blocks parse strictly; IPv4-mapped IPv6 is IPv4; IPv6 counts per /64")
    func addresses() throws {
        #expect(IPAddress("192.0.2.1")?.description == "192.0.2.1")
        #expect(IPAddress("::ffff:192.0.2.1") == IPAddress("192.0.2.1"))
        for bad in ["", "unknown", "192.0.2.1:80", "256.1.1.1", "example.org", "fe80::1%eth0", "_hidden"] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
        #expect(IPAddress("2001:db8:1:2:aaaa::1")?.limitKey == "2001:db8:1:2::/64")
        #expect(IPAddress("2001:db8:1:2:bbbb::7")?.limitKey == IPAddress("2001:db8:1:2:aaaa::1")?.limitKey)
        let block = try #require(AddressBlock("10.1.0.0/16"))
        #expect(block.contains(IPAddress("10.1.255.3")!) && !block.contains(IPAddress("10.2.0.1")!))
        #expect(!block.contains(IPAddress("::1")!))
        #expect(AddressBlock("10.0.0.0/12")!.contains(IPAddress("10.15.0.1")!) && !AddressBlock("10.0.0.0/12")!.contains(IPAddress("10.16.0.1")!))
        #expect(AddressBlock("::1")!.contains(IPAddress("::1")!))
        #expect(AddressBlock("2001:db8::/32")!.contains(IPAddress("2001:db8:ffff::1")!))
        #expect(AddressBlock("0.0.0.0/0")!.contains(IPAddress("198.51.100.1")!))
        for bad in ["10.0.0.0/33", "10.0.0.0/", "/8", "10.0.0.0/8/8", "proxy.local"] { #expect(AddressBlock(bad) == nil, "\(bad)") }
    }

    @Test("X-Forwarded-For counts only from a trusted peer, and only the right-most untrusted hop")
    func forwardedChain() {
        let trusted = [AddressBlock("10.0.0.0/8")!, AddressBlock("::1")!]
        func resolve(_ peer: String, xff: [String] = [], forwarded: [String] = []) -> String? {
            ClientAddress.resolve(peer: IPAddress(peer), forwardedFor: xff, forwarded: forwarded, trusted: trusted)?.description
        }
        // An untrusted peer's headers are its own invention.
        #expect(resolve("198.51.100.7", xff: ["203.0.113.1"]) == "198.51.100.7")
        // A trusted proxy names the client; what the client put further left is never reached.
        #expect(resolve("10.0.0.5", xff: ["203.0.113.1"]) == "203.0.113.1")
        #expect(resolve("10.0.0.5", xff: ["1.2.3.4, 203.0.113.1"]) == "203.0.113.1")
        #expect(resolve("10.0.0.5", xff: ["1.2.3.4", "203.0.113.1, 10.0.0.9"]) == "203.0.113.1", "two proxies, two lines")
        #expect(resolve("10.0.0.5", xff: ["203.0.113.1:5555"]) == "203.0.113.1")
        #expect(resolve("10.0.0.5", xff: ["[2001:db8::5]:443"]) == "2001:db8:0:0:0:0:0:5")
        // Garbage from the proxy leaves the proxy's own address; no header at all is the proxy itself.
        #expect(resolve("10.0.0.5", xff: ["1.2.3.4, unknown"]) == "10.0.0.5")
        #expect(resolve("10.0.0.5") == "10.0.0.5")
        #expect(resolve("10.0.0.5", xff: ["10.0.0.7"]) == "10.0.0.7", "every hop trusted: the left-most")
        // RFC 7239 when there is no X-Forwarded-For.
        #expect(resolve("::1", forwarded: [#"for=1.2.3.4;proto=https, for="[2001:db8::9]:80";by=10.0.0.5"#]) == "2001:db8:0:0:0:0:0:9")
        #expect(resolve("::1", xff: ["203.0.113.1"], forwarded: ["for=198.51.100.1"]) == "203.0.113.1")
        #expect(ClientAddress.resolve(peer: nil, forwardedFor: [], forwarded: [], trusted: trusted) == nil)
    }

    @Test("a credential verifies under its secret only; any altered byte, another secret or garbage is refused")
    func credentials() throws {
        let secret = Array("a secret of at least thirty-two bytes, for the tests".utf8)
        let credentials = DeviceCredentials(secret: secret)
        let (token, device) = credentials.issue()
        #expect(token.count == 66 && device.count == 32, "\(token)")
        #expect(credentials.verify(token) == device)
        #expect(credentials.issue().deviceID != device, "every credential is a new device")
        #expect(DeviceCredentials(secret: Array("another secret of at least thirty-two bytes....".utf8)).verify(token) == nil)
        var bytes = try #require(DeviceCredentials.unbase64url(token))
        for index in [0, 5, 20, 48] {
            var altered = bytes
            altered[index] ^= 0x01
            #expect(credentials.verify(DeviceCredentials.base64url(altered)) == nil, "byte \(index) altered")
        }
        bytes.removeLast()
        #expect(credentials.verify(DeviceCredentials.base64url(bytes)) == nil)
        for garbage in ["", "x", String(repeating: "A", count: 66), token + "A", token + "=", "Zm9v.YmFy", String(repeating: "a", count: 4096)] {
            #expect(credentials.verify(garbage) == nil)
        }
        // Addresses are stored under a keyed hash: stable for one secret, unrelated under another.
        let address = IPAddress("198.51.100.7")!
        #expect(credentials.addressHash(address) == DeviceCredentials(secret: secret).addressHash(address))
        #expect(credentials.addressHash(address) != DeviceCredentials(secret: Array(repeating: 7, count: 32)).addressHash(address))
    }

    @Test("a configured secret is at least 32 bytes and never shows in a description")
    func secret() throws {
        #expect(IntakeSecret(text: "short") == nil)
        let secret = try #require(IntakeSecret(text: "  0123456789abcdef0123456789abcdef\n"))
        #expect(secret.bytes.count == 32)
        #expect(!"\(secret)".contains("0123") && !String(reflecting: secret).contains("0123"))
    }

    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Config/hub.yaml").standardized.path

    @Test("the intake's keys: documented defaults, environment overrides, errors that name the key, never the secret")
    func configuration() throws {
        let defaults = try HubConfiguration(config: ConfigSource(file: Self.example, environment: [:]))
        #expect(defaults.intake.reportsPerDevicePerDay == 1 && defaults.intake.reportsPerAddressPerDay == 20)
        #expect(defaults.intake.credentialsPerAddressPerDay == 10 && defaults.intake.trustedProxies.isEmpty)
        #expect(defaults.intake.deviceSecret == nil && defaults.intake.deviceSecretPath == nil)
        let secret = "correct horse battery staple, thirty-two+"
        let set = try HubConfiguration(config: ConfigSource(file: Self.example, environment: [
            "GARRISON_INTAKE_TRUSTED_PROXIES": "10.0.0.0/8, ::1", "GARRISON_INTAKE_DEVICE_SECRET": secret,
            "GARRISON_INTAKE_REPORTS_PER_ADDRESS_PER_DAY": "5",
        ]))
        #expect(set.intake.trustedProxies == [AddressBlock("10.0.0.0/8")!, AddressBlock("::1")!])
        #expect(set.intake.deviceSecret?.bytes == Array(secret.utf8) && set.intake.reportsPerAddressPerDay == 5)
        for (environment, key) in [
            (["GARRISON_INTAKE_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"], "intake.trusted_proxies"),
            (["GARRISON_INTAKE_DEVICE_SECRET": "too-short-secret"], "intake.device_secret"),
            (["GARRISON_INTAKE_DEVICE_SECRET": secret, "GARRISON_INTAKE_DEVICE_SECRET_FILE": "/etc/key"], "intake.device_secret_file"),
        ] {
            #expect {
                _ = try HubConfiguration(config: ConfigSource(file: Self.example, environment: environment))
            } throws: { error in
                let text = "\(error)"
                return text.contains(key) && !text.contains("too-short") && !text.contains("horse")
            }
        }
    }
}
