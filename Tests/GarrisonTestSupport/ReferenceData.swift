import Foundation

/// The shared reference data beside the package (`../shared/reference/`), or `$GARRISON_COUNTIES` for the
/// counties' GeoJSON. Tests that need it fail, saying where they looked, when it is missing: never skipped.
public enum ReferenceData {
    /// The counties' boundaries (powiaty.geojson).
    public static let countiesPath: String = {
        if let override = ProcessInfo.processInfo.environment["GARRISON_COUNTIES"], !override.isEmpty { return override }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("../shared/reference/powiaty.geojson").standardizedFileURL.path
    }()

    /// The path, or an error that says how to get the file.
    public static func counties() throws -> String {
        guard FileManager.default.fileExists(atPath: countiesPath) else {
            throw TestSupportError(
                "the counties' GeoJSON is missing at \(countiesPath): clone the project beside shared/ or set GARRISON_COUNTIES")
        }
        return countiesPath
    }
}

/// A test set-up failure with a message saying what to do.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
