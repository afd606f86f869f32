import Configuration
import Foundation

/// A deployment's configuration (DESIGN §8): one YAML file under `GARRISON_*` environment variables, read through
/// apple/swift-configuration, and the typed reads the components' settings are made of.
///
/// Keys are dotted paths into the YAML (`database.url`). The environment overrides any key: `database.url` is
/// `GARRISON_DATABASE_URL` (upper case, `.` and `-` as `_`). Every error names the key, where its value came from
/// and what was expected; values are never echoed, and passwords and secrets are marked secret for the library, so
/// that what it reports of them (`KeyRecorder`, its access logs) is redacted.
public struct ConfigSource: Sendable {
    /// The library's reader, scoped to `prefix`.
    public let reader: ConfigReader
    /// The key prefix this source reads under (`database`), empty at the root.
    public let prefix: String
    /// The file read, for messages and relative paths; nil when the configuration is environment only.
    public let file: String?
    /// Every key read, with its value (secrets redacted) and provider.
    public let recorder: KeyRecorder
    private let environment: [String: String]

    /// Reads `file` (nil: no file) and takes overrides from `environment`.
    public init(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) {
        let recorder = KeyRecorder()
        var providers: [any ConfigProvider] = [Self.environmentProvider(environment)]
        if let file {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw ConfigError(key: "", origin: .file(file), problem: "the file cannot be read (\(error.localizedDescription))")
            }
            do {
                let options = YAMLSnapshot.ParsingOptions(secretsSpecifier: .dynamic { key, _ in Self.isSecret(key) })
                let snapshot = try YAMLSnapshot(data: data.bytes, providerName: file, parsingOptions: options)
                providers.append(SnapshotProvider(current: snapshot))
            } catch {
                throw ConfigError(key: "", origin: .file(file), problem: "not a valid configuration file: \(error)")
            }
        }
        self.init(
            reader: ConfigReader(providers: providers, accessReporter: recorder), prefix: "", file: file,
            recorder: recorder, environment: environment)
    }

    /// A source of literal values, as if each were set in the environment (tests, embedded use such as the demo).
    public init(values: [String: String]) {
        let environment = Dictionary(values.map { (Self.environmentName(for: $0.key), $0.value) }, uniquingKeysWith: { $1 })
        let recorder = KeyRecorder()
        self.init(
            reader: ConfigReader(provider: Self.environmentProvider(environment), accessReporter: recorder), prefix: "",
            file: nil, recorder: recorder, environment: environment)
    }

    private init(reader: ConfigReader, prefix: String, file: String?, recorder: KeyRecorder, environment: [String: String]) {
        self.reader = reader
        self.prefix = prefix
        self.file = file
        self.recorder = recorder
        self.environment = environment
    }

    /// The keys under `section` (`source.scoped(to: "database").int("port", …)` reads `database.port`).
    public func scoped(to section: String) -> ConfigSource {
        ConfigSource(
            reader: reader.scoped(to: ConfigKey(section)), prefix: absolute(section), file: file, recorder: recorder,
            environment: environment)
    }

    /// The environment variable that overrides `key`.
    public static func environmentName(for key: String) -> String {
        "GARRISON_" + key.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }

    /// The full dotted key of `key` under this source's prefix.
    public func absolute(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    /// Where the value of `key` comes from: the environment when its variable is set, else the file.
    public func origin(of key: String) -> ConfigOrigin {
        let name = Self.environmentName(for: absolute(key))
        return environment[name] != nil ? .environment(name) : .file(file ?? "configuration")
    }

    /// An error for `key`'s value, naming where it came from.
    public func invalid(_ key: String, _ problem: String) -> ConfigError {
        ConfigError(key: absolute(key), origin: origin(of: key), problem: problem)
    }

    /// An error for a required key that is set nowhere.
    func missing(_ key: String) -> ConfigError {
        ConfigError(
            key: absolute(key), origin: .file(file ?? "configuration"),
            problem: "is required (set it in the file or in \(Self.environmentName(for: absolute(key))))")
    }

    /// Passwords and secrets, by their key's last word: the library redacts them wherever it reports a value.
    static func isSecret(_ key: String) -> Bool {
        let last = key.lowercased().split(whereSeparator: { $0 == "." || $0 == "_" }).last ?? ""
        return last == "password" || last == "secret"
    }

    /// The `GARRISON_*` variables as a provider of dotted keys (`GARRISON_DATABASE_URL` is `database.url`).
    private static func environmentProvider(_ environment: [String: String]) -> some ConfigProvider {
        EnvironmentVariablesProvider(
            environmentVariables: environment.filter { $0.key.hasPrefix("GARRISON_") },
            secretsSpecifier: .dynamic { name, _ in isSecret(name) }
        ).prefixKeys(with: "garrison")
    }
}
