import Foundation
import Testing

/// `garrisonctl route` run as a user runs it: the built binary, its stdout JSON, stderr and exit code.
@Suite struct RouteCommandTests {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String

        /// stdout parsed as one JSON object.
        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            guard let dictionary = object as? [String: Any] else {
                throw Failure(description: "stdout is not a JSON object: \(stdout)")
            }
            return dictionary
        }
    }

    /// The reference counties beside the package (three levels above this file), or `$GARRISON_COUNTIES`.
    static let counties: String = {
        if let override = ProcessInfo.processInfo.environment["GARRISON_COUNTIES"], !override.isEmpty {
            return override
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("../shared/reference/powiaty.geojson")
            .standardizedFileURL.path
    }()

    /// The counties path, failing the test (not skipping it) when the file is missing.
    static func countiesPath() throws -> String {
        guard FileManager.default.fileExists(atPath: counties) else {
            throw Failure(description: """
                The reference counties GeoJSON is missing: looked for \(counties). Put the shared reference data \
                beside the package (../shared/reference/powiaty.geojson) or set GARRISON_COUNTIES to the file.
                """)
        }
        return counties
    }

    /// `garrisonctl` in the build products directory, beside the test bundle. On Linux `swift test` runs
    /// `<bin>/garrisonPackageTests.xctest`, an executable, and `Bundle.main.bundleURL` is `<bin>` itself; on macOS
    /// xctest loads the `.xctest` bundle, which lies in `<bin>`. `GARRISONCTL_DIR` overrides both.
    static func garrisonctl() throws -> URL {
        var directories: [URL] = []
        if let override = ProcessInfo.processInfo.environment["GARRISONCTL_DIR"] {
            directories.append(URL(fileURLWithPath: override))
        }
        directories.append(Bundle.main.bundleURL)
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        if let argument = CommandLine.arguments.first {
            directories.append(URL(fileURLWithPath: argument).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        for directory in directories {
            let candidate = directory.appendingPathComponent("garrisonctl")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw Failure(description: "garrisonctl not found next to the tests; looked in \(directories.map(\.path))")
    }

    /// Runs `garrisonctl` with the arguments; `GARRISON_COUNTIES` is removed from its environment unless given.
    static func run(_ arguments: [String], countiesVariable: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = try garrisonctl()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GARRISON_COUNTIES"] = countiesVariable
        process.environment = environment
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // The outputs are small (one JSON object, one message), far below a pipe's buffer.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func piaseczno() throws {
        let run = try Self.run(["route", "--lat", "52.0814", "--lon", "21.0237", "--counties", Self.countiesPath()])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json()
        #expect(json["county"] as? String == "1418")
        #expect(json["county_name"] as? String == "piaseczyński")
        #expect(json["garrison"] as? String == "KSP")
        #expect(json["garrison_name"] as? String == "Komenda Stołeczna Policji")
        #expect(json["unit"] as? String == "KPP-1418")
        #expect(json["unit_kind"] as? String == "KPP")
        #expect(json["match"] as? String == "inside")
        #expect(json["distance_m"] is NSNull)
        #expect((json["alternatives"] as? [Any])?.isEmpty == true)
        #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
    }

    @Test func radom() throws {
        let run = try Self.run(["route", "--lat", "51.4027", "--lon", "21.1471", "--counties", Self.countiesPath()])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json()
        #expect(json["county"] as? String == "1463")
        #expect(json["garrison"] as? String == "14")
        #expect(json["unit"] as? String == "KMP-1463")
    }

    @Test func countiesFromEnvironment() throws {
        let run = try Self.run(["route", "--lat", "51.4027", "--lon", "21.1471"], countiesVariable: Self.countiesPath())
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try run.json()["county"] as? String == "1463")
    }

    @Test func terytWithoutCounties() throws {
        let run = try Self.run(["route", "--teryt", "1418"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json()
        #expect(json["garrison"] as? String == "KSP")
        #expect(json["unit"] as? String == "KPP-1418")
        #expect(json["match"] as? String == "code")
        #expect(json["county_name"] is NSNull)
    }

    @Test func terytWithCounties() throws {
        let run = try Self.run(["route", "--teryt", "1418", "--counties", Self.countiesPath()])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try run.json()["county_name"] as? String == "piaseczyński")
        let unknown = try Self.run(["route", "--teryt", "1499", "--counties", Self.countiesPath()])
        #expect(unknown.status == 3)
        #expect(unknown.stderr.contains("1499"))
    }

    @Test func berlinIsOutsidePoland() throws {
        let run = try Self.run(["route", "--lat", "52.52", "--lon", "13.405", "--counties", Self.countiesPath()])
        #expect(run.status == 3)
        #expect(run.stderr.contains("outside Poland"))
        #expect(run.stdout.isEmpty)
    }

    @Test("Bad arguments are usage errors (exit 64)", arguments: [
        ["--lat", "abc", "--lon", "21.0"],
        ["--lat", "52.0"],
        ["--lon", "21.0"],
        ["--lat", "52.0", "--lon", "21.0", "--teryt", "1418"],
        ["--lat", "95", "--lon", "21.0"],
        ["--lat", "52", "--lon", "200"],
        ["--lat", "nan", "--lon", "21.0"],
        ["--teryt", "9918"],
        ["--teryt", "abcd"],
        [],
    ])
    func usageError(_ arguments: [String]) throws {
        // Validation comes before any file is read, so the path need not exist.
        let run = try Self.run(["route"] + arguments + ["--counties", "unused.geojson"])
        #expect(run.status == 64, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains("Error:"))
        #expect(run.stdout.isEmpty)
    }

    @Test func pointWithoutCounties() throws {
        let run = try Self.run(["route", "--lat", "52.0814", "--lon", "21.0237"])
        #expect(run.status != 0)
        #expect(run.status == 64)
        #expect(run.stderr.contains("--counties"))
    }

    @Test func unreadableCounties() throws {
        let point = ["route", "--lat", "52.0814", "--lon", "21.0237"]
        let missing = try Self.run(point + ["--counties", "/nonexistent/c.geojson"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/c.geojson"))

        let invalid = FileManager.default.temporaryDirectory.appendingPathComponent("garrison-route-\(UUID()).geojson")
        try Data("{not json".utf8).write(to: invalid)
        defer { try? FileManager.default.removeItem(at: invalid) }
        let broken = try Self.run(point + ["--counties", invalid.path])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains(invalid.path) && broken.stderr.contains("not valid JSON"))
    }
}
