import Foundation

/// Runs schemathesis (4.x, `pip install schemathesis`) against one listener's `/openapi.json`, as a bounded
/// subprocess: its output goes to a file (no pipe to fill), and it is killed past its deadline.
struct Schemathesis: Sendable {
    /// The executable found on `PATH`.
    let executable: URL

    /// What a run reported.
    struct Outcome: Sendable {
        let listener: String
        let arguments: [String]
        let exitCode: Int32
        let timedOut: Bool
        let output: String

        /// The command line as one would type it.
        var commandLine: String { (["schemathesis"] + arguments).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ") }

        /// The tail of the output: schemathesis' summary (operations, checks, failures).
        var summary: String { output.split(separator: "\n", omittingEmptySubsequences: false).suffix(25).joined(separator: "\n") }
    }

    /// The checks run on every response: no 5xx, and status, content type and body as the document says.
    static let checks = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"

    /// schemathesis on `PATH`, or nil when it is not installed.
    static func locate() -> Schemathesis? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("schemathesis")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return Schemathesis(executable: candidate) }
        }
        return nil
    }

    /// `schemathesis run <schema> …` with the bounded options every listener shares, plus `extra`.
    func run(
        _ listener: String, schema: String, extra: [String], in directory: URL, deadline: Duration = .seconds(240)
    ) async throws -> Outcome {
        let arguments = [
            "run", schema, "--checks", Self.checks, "--phases", "examples,coverage,fuzzing", "--max-examples", "20",
            "--request-timeout", "10", "--seed", "13", "--workers", "1", "--generation-database", "none",
            "--suppress-health-check", "all", "--no-color",
        ] + extra
        let log = directory.appendingPathComponent("schemathesis-\(listener).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = handle
        process.standardError = handle
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["COLUMNS"] = "160"
        process.environment = environment
        try process.run()
        let end = ContinuousClock.now + deadline
        var timedOut = false
        while process.isRunning {
            if ContinuousClock.now > end {
                timedOut = true
                process.terminate()
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        process.waitUntilExit()
        try handle.close()
        let output = String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self)
        return Outcome(
            listener: listener, arguments: arguments, exitCode: process.terminationStatus, timedOut: timedOut, output: output)
    }
}
