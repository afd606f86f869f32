import Foundation
import Yams

/// A configuration file (YAML) with environment overrides, read key by key (DESIGN §8).
///
/// Keys are dotted paths into the YAML (`database.url`). The environment overrides any key: `database.url` is
/// `GARRISON_DATABASE_URL` (upper case, `.` and `-` as `_`). Every error names the key, where its value came
/// from and what was expected; values are never echoed, since some are secrets.
public struct ConfigReader: Sendable {
    /// Where a value came from.
    public enum Source: Hashable, Sendable, CustomStringConvertible {
        case file(String)
        case environment(String)

        public var description: String {
            switch self {
            case .file(let path): path
            case .environment(let name): "environment variable \(name)"
            }
        }
    }

    private let fileValues: [String: String]
    private let environment: [String: String]
    /// The file read, for messages; nil when the configuration is environment only.
    public let path: String?

    /// Reads `path` (nil: no file) and takes overrides from `environment`.
    public init(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) {
        self.path = path
        self.environment = environment
        guard let path else {
            self.fileValues = [:]
            return
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(key: "", source: .file(path), problem: "the file cannot be read (\(error.localizedDescription))")
        }
        do {
            var flat: [String: String] = [:]
            if let root = try Yams.load(yaml: text) { try Self.flatten(root, prefix: "", into: &flat) }
            self.fileValues = flat
        } catch let error as ConfigError {
            throw ConfigError(key: error.key, source: .file(path), problem: error.problem)
        } catch {
            throw ConfigError(key: "", source: .file(path), problem: "not valid YAML: \(error)")
        }
    }

    /// A reader over literal values (tests, embedded use such as the demo).
    public init(values: [String: String]) {
        self.path = nil
        self.fileValues = values
        self.environment = [:]
    }

    /// The environment variable that overrides `key`.
    public static func environmentName(for key: String) -> String {
        "GARRISON_" + key.uppercased().map { $0 == "." || $0 == "-" ? "_" : $0 }.map(String.init).joined()
    }

    /// The raw text of `key` and where it came from, if set anywhere.
    public func raw(_ key: String) -> (value: String, source: Source)? {
        let name = Self.environmentName(for: key)
        if let value = environment[name] { return (value, .environment(name)) }
        if let value = fileValues[key] { return (value, .file(path ?? "configuration")) }
        return nil
    }

    /// A string; `nil` default makes the key required.
    public func string(_ key: String, default fallback: String? = nil) throws(ConfigError) -> String {
        if let (value, source) = raw(key) {
            guard !value.isEmpty else { throw ConfigError(key: key, source: source, problem: "must not be empty") }
            return value
        }
        guard let fallback else { throw missing(key) }
        return fallback
    }

    /// A string that may be absent.
    public func optionalString(_ key: String) -> String? {
        guard let value = raw(key)?.value, !value.isEmpty else { return nil }
        return value
    }

    /// An integer in `range`.
    public func int(_ key: String, default fallback: Int? = nil, in range: ClosedRange<Int> = Int.min...Int.max)
        throws(ConfigError) -> Int
    {
        guard let (text, source) = raw(key) else {
            guard let fallback else { throw missing(key) }
            return fallback
        }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw ConfigError(key: key, source: source, problem: "expected a whole number")
        }
        guard range.contains(value) else {
            throw ConfigError(key: key, source: source, problem: "expected \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    /// A number of seconds (fractions allowed), e.g. `30` or `0.5`.
    public func seconds(_ key: String, default fallback: Double, in range: ClosedRange<Double> = 0...86_400 * 365)
        throws(ConfigError) -> Duration
    {
        guard let (text, source) = raw(key) else { return .milliseconds(Int64(fallback * 1000)) }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw ConfigError(key: key, source: source, problem: "expected seconds in \(range.lowerBound)…\(range.upperBound)")
        }
        return .milliseconds(Int64(value * 1000))
    }

    /// A boolean (`true`/`false`, `yes`/`no`, `on`/`off`, `1`/`0`).
    public func bool(_ key: String, default fallback: Bool) throws(ConfigError) -> Bool {
        guard let (text, source) = raw(key) else { return fallback }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigError(key: key, source: source, problem: "expected true or false")
        }
    }

    /// A host and port, `host:port`.
    public func address(_ key: String, default fallback: String? = nil) throws(ConfigError) -> (host: String, port: Int) {
        let text = try string(key, default: fallback)
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port), colon != text.startIndex
        else {
            throw ConfigError(key: key, source: raw(key)?.source ?? .file(path ?? "defaults"), problem: "expected host:port")
        }
        return (String(text[..<colon]), port)
    }

    /// A path; relative paths are taken from the configuration file's directory.
    public func path(_ key: String, default fallback: String? = nil) throws(ConfigError) -> String {
        let value = try string(key, default: fallback)
        guard !value.hasPrefix("/"), let path else { return value }
        return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(value).path
    }

    /// An error for a value that reads but does not make sense (with another key, say), naming where it came from.
    public func invalid(_ key: String, _ problem: String) -> ConfigError {
        ConfigError(key: key, source: raw(key)?.source ?? .file(path ?? "configuration"), problem: problem)
    }

    private func missing(_ key: String) -> ConfigError {
        ConfigError(
            key: key, source: .file(path ?? "configuration"),
            problem: "is required (set it in the file or in \(Self.environmentName(for: key)))")
    }

    private static func flatten(_ node: Any, prefix: String, into flat: inout [String: String]) throws {
        switch node {
        case let map as [String: Any]:
            for (key, value) in map { try flatten(value, prefix: prefix.isEmpty ? key : "\(prefix).\(key)", into: &flat) }
        case let list as [Any]:
            flat[prefix] = list.map { "\($0)" }.joined(separator: ",")
        case is NSNull:
            break
        default:
            flat[prefix] = "\(node)"
        }
    }
}

/// A missing or invalid configuration value: names the key and where the value came from.
public struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    public let key: String
    public let source: ConfigReader.Source
    public let problem: String

    public init(key: String, source: ConfigReader.Source, problem: String) {
        self.key = key
        self.source = source
        self.problem = problem
    }

    public var description: String {
        key.isEmpty ? "\(source): \(problem)" : "\(source): \(key): \(problem)"
    }
}
