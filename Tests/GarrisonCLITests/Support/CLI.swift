import Foundation
import GarrisonTestSupport

/// Runs the built executables (`garrison`, `garrisonctl`) as a user would: arguments in; stdout, stderr and the
/// exit code out.
enum CLI {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// One finished run.
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String

        /// stdout parsed as one JSON object.
        func json() throws -> [String: Any] { try CLI.object(stdout) }

        /// The last line of stdout parsed as one JSON object.
        func lastLineJSON() throws -> [String: Any] {
            try CLI.object(String(stdout.split(separator: "\n").last ?? ""))
        }
    }

    static func object(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        guard let dictionary = object as? [String: Any] else {
            throw Failure(description: "not a JSON object: \(text)")
        }
        return dictionary
    }

    /// Runs `name` with the arguments. stderr goes through a file so a chatty run can never block on a full pipe.
    /// Runs a built executable to its end. The wait happens on a Dispatch thread, never on Swift's cooperative
    /// pool: a test blocking one of a two-core machine's two pool threads for a whole demo run starved every other
    /// test's tasks (and the in-process hub the command talks to).
    static func run(_ name: String, _ arguments: [String], environment overrides: [String: String?] = [:]) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(name, arguments, environment: overrides) })
            }
        }
    }

    private static func runBlocking(_ name: String, _ arguments: [String], environment overrides: [String: String?]) throws -> Run {
        let process = Process()
        process.executableURL = try Executables.url(name)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in overrides { environment[key] = value }
        process.environment = environment
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("garrison-cli-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = (try? Data(contentsOf: errorFile)) ?? Data()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// `garrisonctl` with `GARRISON_COUNTIES` removed from its environment unless given.
    static func garrisonctl(_ arguments: [String], countiesVariable: String? = nil) async throws -> Run {
        try await run("garrisonctl", arguments, environment: ["GARRISON_COUNTIES": countiesVariable])
    }
}
