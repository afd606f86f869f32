import Foundation
import GarrisonCore

/// What `garrison demo` is asked to run.
public struct DemoOptions: Sendable {
    /// Seconds of load (the garrison cut off for the middle third of them).
    public var duration: Int
    /// The garrisons with a node (the national node follows all of them).
    public var garrisons: [GarrisonCode]
    /// New reports per second over all garrisons.
    public var rate: Double
    /// The counties' GeoJSON: reports then carry real points inside their county's polygon.
    public var countiesPath: String?
    /// Print the summary as one JSON line, the last line of standard output.
    public var json: Bool
    /// Keep the temporary directory (certificates, SQLite stores) and say where it is.
    public var keep: Bool
    /// How long to wait for convergence once the load stops.
    public var convergenceTimeout: Duration

    public init(
        duration: Int = 60, garrisons: [GarrisonCode] = ["KSP", "20", "22"], rate: Double = 10,
        countiesPath: String? = nil, json: Bool = false, keep: Bool = false, convergenceTimeout: Duration = .seconds(60)
    ) {
        self.duration = duration
        self.garrisons = garrisons
        self.rate = rate
        self.countiesPath = countiesPath
        self.json = json
        self.keep = keep
        self.convergenceTimeout = convergenceTimeout
    }
}

/// Lines for people: progress and steps on standard error, the summary on standard output.
enum DemoOutput {
    static func step(_ text: String) {
        FileHandle.standardError.write(Data("• \(text)\n".utf8))
    }

    static func progress(_ text: String) {
        FileHandle.standardError.write(Data("\(text)\n".utf8))
    }
}
