import Foundation

/// The built executables (`garrison`, `garrisonctl`) beside the test bundle. On Linux `swift test` runs
/// `<bin>/<package>PackageTests.xctest` (an executable), on macOS it loads it as a bundle into xctest; either way
/// the products are in the directory holding the bundle. `GARRISON_BIN_DIR` overrides.
public enum Executables {
    public struct NotFound: Error, CustomStringConvertible {
        public let description: String
    }

    public static func url(_ name: String) throws -> URL {
        var directories: [URL] = []
        if let override = ProcessInfo.processInfo.environment["GARRISON_BIN_DIR"] {
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
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw NotFound(description: "\(name) not found next to the tests; looked in \(directories.map(\.path))")
    }
}
