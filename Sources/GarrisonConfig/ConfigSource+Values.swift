import Configuration
import Foundation

/// The typed reads: the library converts the text of the file or the variable into the type asked for (a quoted
/// YAML number, which YAML calls a string, is taken as the number it spells, as in the environment); these add
/// what a deployment's configuration needs on top, a default or a clear "is required", the range a value must lie
/// in, and an error naming the key and its variable where the library alone would fall back to the default in
/// silence (a typo must stop the daemon, not change its behaviour).
extension ConfigSource {
    /// Whether `key` is set anywhere (as any type).
    public func isSet(_ key: String) -> Bool {
        reader.string(forKey: ConfigKey(key)) != nil || reader.stringArray(forKey: ConfigKey(key)) != nil
    }

    /// A string; a `nil` default makes the key required.
    public func string(_ key: String, default fallback: String? = nil) throws(ConfigError) -> String {
        if let value = reader.string(forKey: ConfigKey(key)) {
            guard !value.isEmpty else { throw invalid(key, "must not be empty") }
            return value
        }
        guard let fallback else { throw missing(key) }
        return fallback
    }

    /// A string that may be absent (an empty one is absent too).
    public func optionalString(_ key: String) -> String? {
        guard let value = reader.string(forKey: ConfigKey(key)), !value.isEmpty else { return nil }
        return value
    }

    /// A password or another secret that may be absent: marked secret, so that the library never reports its value.
    public func secret(_ key: String) -> String? {
        guard let value = reader.string(forKey: ConfigKey(key), isSecret: true), !value.isEmpty else { return nil }
        return value
    }

    /// An integer in `range`; a `nil` default makes the key required.
    public func int(_ key: String, default fallback: Int? = nil, in range: ClosedRange<Int> = Int.min...Int.max)
        throws(ConfigError) -> Int
    {
        guard let text = reader.string(forKey: ConfigKey(key)) else {
            guard let fallback else { throw missing(key) }
            return fallback
        }
        guard let value = reader.int(forKey: ConfigKey(key)) ?? Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw invalid(key, "expected a whole number")
        }
        guard range.contains(value) else { throw invalid(key, "expected \(range.lowerBound)…\(range.upperBound)") }
        return value
    }

    /// A number of seconds (fractions allowed, `30` or `0.5`) in `range`.
    public func seconds(_ key: String, default fallback: Double, in range: ClosedRange<Double> = 0...86_400 * 365)
        throws(ConfigError) -> Duration
    {
        guard let text = reader.string(forKey: ConfigKey(key)) else { return .milliseconds(Int64(fallback * 1000)) }
        // The range check comes before any arithmetic: NaN, infinities and huge numbers never reach Int64(_:).
        guard let value = reader.double(forKey: ConfigKey(key)) ?? Double(text.trimmingCharacters(in: .whitespaces)),
            range.contains(value)
        else {
            throw invalid(key, "expected seconds in \(range.lowerBound)…\(range.upperBound)")
        }
        return .milliseconds(Int64(value * 1000))
    }

    /// A boolean: `true`/`false`, `yes`/`no`, `on`/`off` or `1`/`0`.
    public func bool(_ key: String, default fallback: Bool) throws(ConfigError) -> Bool {
        guard let text = reader.string(forKey: ConfigKey(key)) else { return fallback }
        if let value = reader.bool(forKey: ConfigKey(key)) { return value }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw invalid(key, "expected true or false")
        }
    }

    /// A list: a YAML sequence, or comma-separated text (as an environment variable holds it); empty when unset.
    public func list(_ key: String) -> [String] {
        let items = reader.stringArray(forKey: ConfigKey(key))
            ?? reader.string(forKey: ConfigKey(key)).map { $0.split(separator: ",").map(String.init) } ?? []
        return items.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A host and port, `host:port`; a `nil` default makes the key required.
    public func address(_ key: String, default fallback: String? = nil) throws(ConfigError) -> HostPort {
        let text = try string(key, default: fallback)
        guard let address = HostPort(text) else { throw invalid(key, "expected host:port") }
        return address
    }

    /// A listener's `host:port`, or nil when the key says `off` (or is unset and `fallback` is nil).
    public func listener(_ key: String, default fallback: String?) throws(ConfigError) -> HostPort? {
        let text = optionalString(key) ?? fallback
        guard let text, text != "off" else { return nil }
        guard let address = HostPort(text) else { throw invalid(key, "expected host:port or off") }
        return address
    }

    /// A path; relative paths are taken from the configuration file's directory. A `nil` default makes it required.
    public func path(_ key: String, default fallback: String? = nil) throws(ConfigError) -> String {
        resolve(try string(key, default: fallback))
    }

    /// A path that may be absent.
    public func optionalPath(_ key: String) -> String? {
        optionalString(key).map(resolve)
    }

    private func resolve(_ value: String) -> String {
        guard !value.hasPrefix("/"), let file else { return value }
        return URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(value).path
    }
}

/// A listener's or a peer's address.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` (the port 0…65,535; an IPv6 host in brackets keeps them).
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
            let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port)
        else { return nil }
        self.init(host: String(text[..<colon]), port: port)
    }

    public var description: String { "\(host):\(port)" }
}
