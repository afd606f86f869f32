import Foundation
import Yams

/// The rollout waves file (`Config/rollout.yaml`, DESIGN §7): which garrisons each wave brings in.
///
/// ```yaml
/// waves:
///   - wave: 1
///     name: pilot
///     garrisons: [KSP, "20", "22"]
/// ```
public struct RolloutWaves: Sendable, Hashable {
    public struct Wave: Sendable, Hashable {
        public let number: Int
        public let name: String?
        /// Garrison codes as written (`KSP`, `"20"`, …).
        public let garrisons: [String]
    }

    public let waves: [Wave]

    /// Parses the file; errors name the file and what is wrong.
    public init(path: String) throws(ConfigError) {
        let source = ConfigOrigin.file(path)
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(key: "waves", origin: source, problem: "cannot be read (\(error.localizedDescription))")
        }
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            throw ConfigError(key: "waves", origin: source, problem: "is not valid YAML (\(error))")
        }
        guard let list = (root as? [String: Any])?["waves"] as? [[String: Any]] else {
            throw ConfigError(key: "waves", origin: source, problem: "expected a list of waves, each with wave and garrisons")
        }
        var waves: [Wave] = []
        var seen: Set<String> = []
        for (index, entry) in list.enumerated() {
            guard let number = entry["wave"] as? Int, number > 0 else {
                throw ConfigError(key: "waves[\(index)].wave", origin: source, problem: "expected a positive wave number")
            }
            guard let garrisons = (entry["garrisons"] as? [Any])?.map({ "\($0)" }), !garrisons.isEmpty else {
                throw ConfigError(key: "waves[\(index)].garrisons", origin: source, problem: "expected a list of garrison codes")
            }
            for code in garrisons where !seen.insert(code).inserted {
                throw ConfigError(key: "waves[\(index)].garrisons", origin: source, problem: "garrison \(code) is in two waves")
            }
            waves.append(Wave(number: number, name: entry["name"] as? String, garrisons: garrisons))
        }
        self.waves = waves
    }

    /// Each garrison code's wave number.
    public var waveOfGarrison: [String: Int] {
        Dictionary(waves.flatMap { wave in wave.garrisons.map { ($0, wave.number) } }, uniquingKeysWith: { first, _ in first })
    }
}
