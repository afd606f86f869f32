import Foundation
import GarrisonEmbeddedPostgres
import PostgresNIO

extension HubApplyBenchmark {
    /// What the timed pushes took.
    struct HubRun {
        let changes: Int
        let creations: Int
        let seconds: Double
        /// One per timed push, in seconds.
        let latencies: [Double]
    }

    /// What the COPY baseline loaded and how long it took.
    struct CopyRun {
        let reports: Int
        let notes: Int
        let feed: Int
        let bytes: Int
        let seconds: Double

        var rows: Int { reports + notes + feed }
    }

    /// The tables the hub writes on a push, in the order the baseline loads them (reports before notes, as the
    /// hub's one write statement does; the feed last, as the hub appends it last).
    static let copiedTables = ["reports", "notes", "feed"]

    /// Dumps the rows the timed pushes left (`bench_mark`), untimed, then times loading them with COPY, in one
    /// transaction, into `copy_<table>` tables of the same shape, indexes and foreign keys (no row-level security:
    /// the superuser loads them). The data travels over the socket as the hub's does, not from a server-side file.
    static func copyBaseline(cluster: EmbeddedPostgres, database: String, scratch: URL, logger: Logger) async throws -> CopyRun {
        // What marks a row as written by a timed push: reports inserted or updated, notes added, feed appended.
        let stamps = ["reports": "updated_at", "notes": "added_at", "feed": "committed_at"]
        let loads = try copiedTables.map { table -> (table: String, rows: Int, bytes: Int, chunks: [ByteBuffer]) in
            try cluster.execute(
                """
                CREATE TABLE copy_\(table) (LIKE \(table) INCLUDING ALL);
                ALTER TABLE copy_\(table) ADD FOREIGN KEY (garrison) REFERENCES garrisons (code)
                """, database: database)
            let file = scratch.appendingPathComponent("\(table).copy")
            try cluster.psql(user: cluster.superuser, database: database, arguments: [
                "-c", "\\copy (SELECT * FROM \(table) WHERE \(stamps[table]!) >= (SELECT t FROM bench_mark)) TO '\(file.path)'",
            ])
            // Text format: one line per row (newlines inside values are escaped), so lines count rows.
            let data = try Data(contentsOf: file)
            let chunkSize = 1 << 20
            let chunks = stride(from: 0, to: data.count, by: chunkSize).map {
                ByteBuffer(bytes: data[$0..<min($0 + chunkSize, data.count)])
            }
            return (table, data.count(where: { $0 == UInt8(ascii: "\n") }), data.count, chunks)
        }
        let counts = Dictionary(uniqueKeysWithValues: loads.map { ($0.table, $0.rows) })

        // `run()` starts beside the first lease, which waits for it; PostgresNIO warns when the lease is first.
        var logger = logger
        logger.logLevel = .error
        let client = PostgresClient(configuration: .init(
            unixSocketPath: "\(cluster.socketDirectory)/.s.PGSQL.\(cluster.port)", username: cluster.superuser,
            password: nil, database: database))
        let seconds = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            // A connection in the pool and a clean checkpoint before timing, as before the timed pushes.
            try await client.query("CHECKPOINT", logger: logger)
            let start = ContinuousClock.now
            try await client.withTransaction(logger: logger) { connection in
                for load in loads {
                    try await connection.copyFrom(table: "copy_\(load.table)", logger: logger) { writer in
                        for chunk in load.chunks { try await writer.write(chunk) }
                    }
                }
            }
            let elapsed = ContinuousClock.now - start
            for load in loads {
                let rows = try await client.query("SELECT count(*) FROM \(unescaped: "copy_" + load.table)", logger: logger)
                for try await count in rows.decode(Int.self) where count != load.rows {
                    throw BenchmarkFailure("copy_\(load.table) holds \(count) rows after COPY, the dump had \(load.rows)")
                }
            }
            return Self.seconds(elapsed)
        }
        return CopyRun(
            reports: counts["reports"]!, notes: counts["notes"]!, feed: counts["feed"]!, bytes: loads.reduce(0) { $0 + $1.bytes }, seconds: seconds)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    static func format(_ duration: Duration) -> String { format(seconds(duration)) }

    static func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }

    /// The process's peak resident set size in MB (`VmHWM` in /proc/self/status), or `nil` without procfs.
    static func peakResidentMegabytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
                .map { Double($0) / 1024 }
        }
        return nil
    }
}

/// The benchmark found the hub misbehaving (a rejection, a short ack) or its own figures inconsistent.
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
