import ArgumentParser
import Foundation
import GarrisonNode

/// `garrison node queue list|show|retry|drop`: the operator's way out for changes the hub keeps refusing.
struct NodeQueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "See the outbound queue and the changes set aside; put one back in the queue or drop it.",
        discussion: """
            When the hub keeps refusing one queued change on its own (sync.set_aside_after times in a row while it \
            answers the node otherwise), the node sets it aside: it leaves the queue with the hub's reason, and the \
            rest of the queue drains. /v1/status and `garrisonctl rollout status` show it, and the garrison cannot \
            be promoted to live while any is set aside. A set-aside change is never deleted but by `drop`.

            These commands work beside a running node daemon (SQLite in WAL mode takes a second writer, waiting up \
            to 10 s for the daemon's write lock); the daemon pushes a retried change within a second or so.

            Examples:
              garrison node queue list --config /etc/garrison/node.yaml
              garrison node queue show 4711 --config /etc/garrison/node.yaml
              garrison node queue retry 4711 --config /etc/garrison/node.yaml
              garrison node queue drop 4711 --config /etc/garrison/node.yaml --yes --reason "NUL in a description, re-entered by hand"

            Exit codes: 0 done; 1 the store is missing or cannot be read; 2 a drop not confirmed; 3 no such \
            change (or not set aside); 64 bad arguments; 75 the store stayed locked by another writer (retry); \
            78 a configuration error.
            """,
        subcommands: [List.self, Show.self, Retry.self, Drop.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The queue's head and every change set aside (seq, report, reason, when).")
        @OptionGroup var options: NodeOptions
        @Option(help: "Show at most this many changes of the queue's head.") var head = 10
        @Flag(help: "JSON instead of tables (times in milliseconds since 1970).") var json = false

        func run() throws {
            let listing = try QueueStore.run("list") { try QueueStore.open(options).queueListing(headLimit: max(0, head)) }
            if json { return try QueueStore.printJSON(listing) }
            print("queue: \(listing.depth) change(s) waiting for the hub")
            if !listing.head.isEmpty {
                QueueStore.table(
                    ["SEQ", "REPORT", "QUEUED AT"],
                    listing.head.map { ["\($0.seq)", $0.reportID, QueueStore.time($0.queuedAtMillis)] })
                if listing.depth > listing.head.count { print("  … and \(listing.depth - listing.head.count) more") }
            }
            print("set aside: \(listing.setAside.count) change(s)")
            if !listing.setAside.isEmpty {
                QueueStore.table(
                    ["SEQ", "REPORT", "SET ASIDE AT", "ATTEMPTS", "REASON"],
                    listing.setAside.map {
                        ["\($0.seq)", $0.reportID, QueueStore.time($0.setAsideAtMillis), "\($0.attempts)",
                         "\($0.status) \($0.code): \($0.detail.prefix(160))"]
                    })
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One change, queued or set aside, as JSON: the change as stored and, if set aside, why.",
            discussion: "Example: garrison node queue show 4711 --config /etc/garrison/node.yaml")
        @OptionGroup var options: NodeOptions
        @Argument(help: "The change's sequence (from `queue list`).") var seq: Int64

        func run() throws {
            guard let item = try QueueStore.run("show", { try QueueStore.open(options).queueItem(seq: seq) }) else {
                QueueStore.fail("show", "no change \(seq) is queued or set aside")
                throw ExitCode(3)
            }
            var object: [String: Any] = [
                "seq": item.seq, "report_id": item.reportID, "queued_at": item.queuedAtMillis,
                "state": item.setAside == nil ? "queued" : "set_aside",
                // As stored and sent; a change the hub could not read may not be JSON at all.
                "change": (try? JSONSerialization.jsonObject(with: Data(item.changeJSON.utf8), options: .fragmentsAllowed))
                    ?? item.changeJSON,
            ]
            if let aside = item.setAside {
                object["set_aside_at"] = aside.setAsideAtMillis
                object["reason"] = ["code": aside.code.rawValue, "detail": aside.detail, "status": aside.status, "attempts": aside.attempts]
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a set-aside change back at the end of the queue, under a new sequence.",
            discussion: """
                Retry once what made the hub refuse it is fixed (the hub's rules, the node's clock). If the hub \
                still refuses it, it is set aside again under its new sequence.

                Example: garrison node queue retry 4711 --config /etc/garrison/node.yaml
                """)
        @OptionGroup var options: NodeOptions
        @Argument(help: "The set-aside change's sequence (from `queue list`).") var seq: Int64

        func run() throws {
            let next = try QueueStore.run("retry") {
                try QueueStore.open(options).retrySetAside(seq: seq, actor: QueueStore.actor(), nowMillis: QueueStore.now())
            }
            guard let next else {
                QueueStore.fail("retry", "no change \(seq) is set aside (see `garrison node queue list`)")
                throw ExitCode(3)
            }
            print("change \(seq) is back in the queue as \(next)")
        }
    }

    struct Drop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a set-aside change for good (asks first; --yes for scripts). Audited with the change.",
            discussion: """
                The report keeps what the change made at this node; the hub and the other sites never see it. The \
                store's queue audit keeps who dropped it, when, why, and the change itself.

                Example: garrison node queue drop 4711 --config /etc/garrison/node.yaml --yes --reason "re-entered"
                """)
        @OptionGroup var options: NodeOptions
        @Argument(help: "The set-aside change's sequence (from `queue list`).") var seq: Int64
        @Flag(help: "Do not ask for confirmation.") var yes = false
        @Option(help: "Why (kept in the audit).") var reason = "dropped by an operator"

        func run() throws {
            let store = try QueueStore.run("drop") { try QueueStore.open(options) }
            guard let item = try QueueStore.run("drop", { try store.queueItem(seq: seq) }), let aside = item.setAside else {
                QueueStore.fail("drop", "no change \(seq) is set aside (see `garrison node queue list`); only set-aside changes can be dropped")
                throw ExitCode(3)
            }
            if !yes {
                FileHandle.standardError.write(Data(
                    "drop change \(seq) of report \(aside.reportID) (set aside for \(aside.code): \(aside.detail.prefix(200)))? It is deleted for good. [y/N] ".utf8))
                let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
                guard answer == "y" || answer == "yes" else {
                    QueueStore.fail("drop", "not confirmed: change \(seq) stays set aside")
                    throw ExitCode(2)
                }
            }
            let dropped = try QueueStore.run("drop") {
                try store.dropSetAside(seq: seq, actor: QueueStore.actor(), reason: reason, nowMillis: QueueStore.now())
            }
            guard dropped != nil else {
                QueueStore.fail("drop", "change \(seq) is no longer set aside")
                throw ExitCode(3)
            }
            print("dropped change \(seq) of report \(aside.reportID)")
        }
    }
}

/// What the queue commands share: opening an existing store, errors as exit codes, output.
enum QueueStore {
    /// The node's existing store: a missing one is an operator's mistake (a wrong `store.path`), never created here.
    static func open(_ options: NodeOptions) throws -> NodeStore {
        let configuration = try options.load()
        guard FileManager.default.fileExists(atPath: configuration.storePath) else {
            fail("", "no node store at \(configuration.storePath) (store.path of \(options.config)); the node makes it on its first start")
            throw ExitCode.failure
        }
        return try options.store()
    }

    /// Runs `body`, turning a store failure into a message and an exit code (75 when the store stayed locked).
    static func run<T>(_ command: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ExitCode {
            throw error
        } catch where NodeStore.isBusy(error) {
            fail(command, "the store stayed locked by another writer for 10 s (the node daemon busy?); retry: \(error)")
            throw ExitCode(75)
        } catch {
            fail(command, "\(error)")
            throw ExitCode.failure
        }
    }

    static func fail(_ command: String, _ message: String) {
        let name = command.isEmpty ? "garrison node queue" : "garrison node queue \(command)"
        FileHandle.standardError.write(Data("\(name): \(message)\n".utf8))
    }

    /// Who acts, for the audit: the login behind sudo, or the user.
    static func actor() -> String {
        let environment = ProcessInfo.processInfo.environment
        return "operator " + (environment["SUDO_USER"] ?? environment["USER"] ?? environment["LOGNAME"] ?? "unknown")
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    static func time(_ millis: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// A plain table, columns as wide as their widest cell, indented under its heading line.
    static func table(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            print("  " + cells.joined(separator: "  "))
        }
    }
}
