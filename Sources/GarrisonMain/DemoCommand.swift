import ArgumentParser
import Dispatch
import Foundation
import GarrisonCore
import GarrisonDemo
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `garrison demo`: the real system on this machine, in one process (see `GarrisonDemo.Demo`).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the real hub, garrison nodes and national node on this machine and print a summary per garrison.",
        discussion: """
            Starts a private PostgreSQL in a temporary directory (needs the Debian package `postgresql`), a \
            deployment CA, the hub over mutual TLS, a node per garrison and the national node, each with its own \
            SQLite store and certificate. Units then work through the nodes' local API (new reports in the \
            garrisons' counties with DOMAIN.md's category mix, verification moving statuses along); one garrison \
            is cut off for the middle third and catches up; a cross-border duplicate is linked by the national \
            node; a conflicting category edit is recorded. At the end it waits for convergence and compares every \
            replica with the hub. Exit 0 when converged with nothing lost or taken twice, 2 otherwise, 130 when \
            interrupted (Ctrl-C stops everything and removes the temporary files).

            Example: garrison demo --duration 60 --garrisons KSP,20,22 --json
            The seeded simulation in simulated time is `garrison simulate`.
            """
    )

    @Option(help: "Seconds of load (one garrison is cut off for the middle third).")
    var duration: Int = 60

    @Option(help: "Comma-separated garrison codes with a node (the pilot wave by default).")
    var garrisons: String = "KSP,20,22"

    @Option(help: "New reports per second over all garrisons.")
    var rate: Double = 10

    @Option(help: "The counties' GeoJSON (e.g. ../shared/reference/powiaty.geojson): reports get real points inside their county.")
    var counties: String?

    @Flag(help: "Print the summary as one line of JSON (last line of output).")
    var json = false

    @Flag(help: "Keep the temporary directory (certificates, SQLite stores) and print where it is.")
    var keep = false

    @Option(help: "Log level of the daemons (to standard error).")
    var logLevel: Logger.Level = .error

    func validate() throws {
        guard (1...3_600).contains(duration) else { throw ValidationError("--duration is 1…3600 seconds") }
        guard rate > 0, rate <= 500 else { throw ValidationError("--rate is a positive number of reports per second, at most 500") }
        _ = try parsedGarrisons()
        if let counties, !FileManager.default.fileExists(atPath: counties) {
            throw ValidationError("--counties: no such file \(counties)")
        }
    }

    func parsedGarrisons() throws -> [GarrisonCode] {
        let codes = garrisons.split(separator: ",").map { GarrisonCode(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        if let unknown = codes.first(where: { !GarrisonRegistry.standard.contains($0) }) {
            throw ValidationError("--garrisons: unknown garrison \"\(unknown)\"; codes are 02, 04, … 32 and KSP")
        }
        guard !codes.isEmpty else { throw ValidationError("--garrisons needs at least one garrison code") }
        return Array(Set(codes)).sorted()
    }

    func run() async throws {
        let options = DemoOptions(
            duration: duration, garrisons: try parsedGarrisons(), rate: rate, countiesPath: counties, json: json, keep: keep)
        let logger = DaemonSupport.logger("garrison.demo", level: logLevel)
        let demo = Task { try await Demo.run(options, logger: logger) }
        // Ctrl-C or SIGTERM cancels the run; it then stops every part and removes its files before exiting.
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                FileHandle.standardError.write(Data("\ninterrupted: stopping the demo and removing its files…\n".utf8))
                demo.cancel()
            }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        do {
            guard try await demo.value else { throw ExitCode(2) }
        } catch is CancellationError {
            throw ExitCode(130)
        } catch let error as ExitCode {
            throw error
        } catch {
            if demo.isCancelled { throw ExitCode(130) }
            FileHandle.standardError.write(Data("garrison demo: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
