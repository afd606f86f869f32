import Foundation
import Testing

/// `garrisonctl route` run as a user runs it: the built binary, its stdout JSON, stderr and exit code.
@Suite struct RouteCommandTests {
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
            throw CLI.Failure(description: """
                The reference counties GeoJSON is missing: looked for \(counties). Put the shared reference data \
                beside the package (../shared/reference/powiaty.geojson) or set GARRISON_COUNTIES to the file.
                """)
        }
        return counties
    }

    @Test func piaseczno() async throws {
        let run = try await CLI.garrisonctl(["route", "--lat", "52.0814", "--lon", "21.0237", "--counties", Self.countiesPath()])
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

    @Test func radom() async throws {
        let run = try await CLI.garrisonctl(["route", "--lat", "51.4027", "--lon", "21.1471", "--counties", Self.countiesPath()])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json()
        #expect(json["county"] as? String == "1463")
        #expect(json["garrison"] as? String == "14")
        #expect(json["unit"] as? String == "KMP-1463")
    }

    @Test func countiesFromEnvironment() async throws {
        let run = try await CLI.garrisonctl(["route", "--lat", "51.4027", "--lon", "21.1471"], countiesVariable: Self.countiesPath())
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try run.json()["county"] as? String == "1463")
    }

    @Test func terytWithoutCounties() async throws {
        let run = try await CLI.garrisonctl(["route", "--teryt", "1418"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try run.json()
        #expect(json["garrison"] as? String == "KSP")
        #expect(json["unit"] as? String == "KPP-1418")
        #expect(json["match"] as? String == "code")
        #expect(json["county_name"] is NSNull)
    }

    @Test func terytWithCounties() async throws {
        let run = try await CLI.garrisonctl(["route", "--teryt", "1418", "--counties", Self.countiesPath()])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try run.json()["county_name"] as? String == "piaseczyński")
        let unknown = try await CLI.garrisonctl(["route", "--teryt", "1499", "--counties", Self.countiesPath()])
        #expect(unknown.status == 3)
        #expect(unknown.stderr.contains("1499"))
    }

    @Test func berlinIsOutsidePoland() async throws {
        let run = try await CLI.garrisonctl(["route", "--lat", "52.52", "--lon", "13.405", "--counties", Self.countiesPath()])
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
    func usageError(_ arguments: [String]) async throws {
        // Validation comes before any file is read, so the path need not exist.
        let run = try await CLI.garrisonctl(["route"] + arguments + ["--counties", "unused.geojson"])
        #expect(run.status == 64, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains("Error:"))
        #expect(run.stdout.isEmpty)
    }

    @Test func pointWithoutCounties() async throws {
        let run = try await CLI.garrisonctl(["route", "--lat", "52.0814", "--lon", "21.0237"])
        #expect(run.status != 0)
        #expect(run.status == 64)
        #expect(run.stderr.contains("--counties"))
    }

    @Test func unreadableCounties() async throws {
        let point = ["route", "--lat", "52.0814", "--lon", "21.0237"]
        let missing = try await CLI.garrisonctl(point + ["--counties", "/nonexistent/c.geojson"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/c.geojson"))

        let invalid = FileManager.default.temporaryDirectory.appendingPathComponent("garrison-route-\(UUID()).geojson")
        try Data("{not json".utf8).write(to: invalid)
        defer { try? FileManager.default.removeItem(at: invalid) }
        let broken = try await CLI.garrisonctl(point + ["--counties", invalid.path])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains(invalid.path) && broken.stderr.contains("not valid JSON"))
    }
}
