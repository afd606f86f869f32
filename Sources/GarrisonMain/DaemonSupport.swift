import ArgumentParser
import Foundation
import GarrisonConfig
import GarrisonPKI
import Logging

/// What the daemon commands share: reading a configuration (an error exits with EX_CONFIG, 78, naming the key)
/// and logging to standard error at the chosen level, one line an entry whatever a request held.
enum DaemonSupport {
    /// With `show`, every key read is printed afterwards with its value and where it came from, secrets redacted.
    static func configuration<T>(
        _ program: String, path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        show: Bool = false, _ make: (ConfigSource) throws -> T
    ) throws -> T {
        do {
            let source = try ConfigSource(file: path, environment: environment)
            let value = try make(source)
            if show { printConfiguration(source) }
            return value
        } catch {
            FileHandle.standardError.write(Data("garrison \(program): configuration error: \(error)\n".utf8))
            throw ExitCode(78)
        }
    }

    /// One line a key: `key = value  (origin)`, `<REDACTED>` for passwords and secrets, `(default)` when unset.
    static func printConfiguration(_ source: ConfigSource) {
        let readings = source.recorder.all
        let width = min(readings.map(\.key.count).max() ?? 0, 44)
        print("configuration (\(readings.count) keys; secrets redacted):")
        for reading in readings {
            let key = reading.key.padding(toLength: max(width, reading.key.count), withPad: " ", startingAt: 0)
            if let shown = reading.shown {
                print("  \(key) = \(shown)  (\(source.origin(of: reading.key)))")
            } else {
                print("  \(key)   (default; \(ConfigSource.environmentName(for: reading.key)) unset)")
            }
        }
    }

    /// Prints a check's title, its findings (each with its fix) after the configuration's own, and a last line
    /// counting problems; exit 1 when one failed.
    static func report(_ title: String, _ findings: [CheckFinding]) throws {
        print(title)
        // Reaching the check at all means the configuration was read and valid (else exit 78 naming the key).
        print(CheckFinding(.ok, "configuration", "every key read and valid").rendered)
        for finding in findings { print(finding.rendered) }
        let failures = findings.filter { $0.level == .failure }.count
        let warnings = findings.filter { $0.level == .warning }.count
        print(failures == 0
            ? "ready to start\(warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : "")"
            : "\(failures) problem\(failures == 1 ? "" : "s") to fix before starting")
        if failures > 0 { throw ExitCode.failure }
    }

    static func logger(_ label: String, level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return EscapingLogHandler(inner: handler)
        }
        return Logger(label: label)
    }
}
