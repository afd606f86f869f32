import ArgumentParser
import Foundation
import GarrisonConfig
import Logging

/// What the daemon commands share: reading a configuration (an error exits with EX_CONFIG, 78, naming the key)
/// and logging to standard error at the chosen level, one line an entry whatever a request held.
enum DaemonSupport {
    static func configuration<T>(
        _ program: String, path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        _ make: (ConfigReader) throws -> T
    ) throws -> T {
        do {
            return try make(ConfigReader(path: path, environment: environment))
        } catch {
            FileHandle.standardError.write(Data("garrison \(program): configuration error: \(error)\n".utf8))
            throw ExitCode(78)
        }
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
