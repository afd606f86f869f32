/// Where a configuration value came from: the file, or the environment variable that overrides its key.
public enum ConfigOrigin: Hashable, Sendable, CustomStringConvertible {
    case file(String)
    case environment(String)

    public var description: String {
        switch self {
        case .file(let path): path
        case .environment(let name): "environment variable \(name)"
        }
    }
}

/// A missing or invalid configuration value: names the key and where the value came from, never the value
/// (some are secrets). The daemons exit with EX_CONFIG (78) and this message.
public struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    public let key: String
    public let origin: ConfigOrigin
    public let problem: String

    public init(key: String, origin: ConfigOrigin, problem: String) {
        self.key = key
        self.origin = origin
        self.problem = problem
    }

    public var description: String {
        key.isEmpty ? "\(origin): \(problem)" : "\(origin): \(key): \(problem)"
    }
}
