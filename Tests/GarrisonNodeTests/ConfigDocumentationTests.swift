import Foundation
import GarrisonConfig
import GarrisonHub
import GarrisonNode
import Testing
import Yams

/// `Config/` is the configuration's documentation: every key the code reads is in its file (set, or shown
/// commented out as `# key: value`), and every key a file shows is read, so that the files and the code cannot
/// drift apart. The keys read are the ones the library was asked for while the file loaded (`KeyRecorder`).
struct ConfigDocumentationTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Config").standardized

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The keys a file documents: those it sets and those it shows commented out at a key's place.
    static func documentedKeys(_ name: String) throws -> Set<String> {
        let text = try String(contentsOfFile: path(name), encoding: .utf8)
        // `  # key: value` is `  key: value`; `#   key:` (more spaces after the mark) is nested two deeper.
        let commentedKey = try Regex(#"^(\s*)# ( *)([a-z_]+):(\s.*)?$"#)
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let match = line.wholeMatch(of: commentedKey) else { return String(line) }
            let parts = (1...4).map { match.output[$0].substring.map(String.init) ?? "" }
            return "\(parts[0])\(parts[1])\(parts[2]):\(parts[3])"
        }.joined(separator: "\n")
        var keys: Set<String> = []
        func walk(_ node: Yams.Node, _ prefix: String) {
            if let mapping = node.mapping {
                for (key, value) in mapping {
                    walk(value, prefix.isEmpty ? key.string ?? "?" : "\(prefix).\(key.string ?? "?")")
                }
            } else {
                keys.insert(prefix)
            }
        }
        if let root = try Yams.compose(yaml: uncommented) { walk(root, "") }
        return keys
    }

    static func readKeys(_ name: String, _ make: (ConfigSource) throws -> Void) throws -> Set<String> {
        let source = try ConfigSource(file: path(name), environment: [:])
        try make(source)
        return Set(source.recorder.keys)
    }

    @Test func everyHubKeyReadIsDocumentedAndEveryDocumentedKeyIsRead() throws {
        let read = try Self.readKeys("hub.yaml") { _ = try HubConfiguration(config: $0) }
        let documented = try Self.documentedKeys("hub.yaml")
        #expect(read.subtracting(documented).sorted() == [], "read by the hub but not in Config/hub.yaml")
        #expect(documented.subtracting(read).sorted() == [], "in Config/hub.yaml but never read by the hub")
        #expect(read.count > 40, "the recorder saw every key (\(read.count))")
    }

    @Test func everyNodeKeyReadIsDocumentedAndEveryDocumentedKeyIsRead() throws {
        // A garrison's node and the national node read different keys (by node.role); each file documents its own.
        for name in ["node.yaml", "national.yaml"] {
            let read = try Self.readKeys(name) { _ = try NodeConfiguration(config: $0) }
            let documented = try Self.documentedKeys(name)
            #expect(read.subtracting(documented).sorted() == [], "read by the node but not in Config/\(name)")
            #expect(documented.subtracting(read).sorted() == [], "in Config/\(name) but never read by the node")
        }
    }

    @Test func theRecorderNeverShowsASecret() throws {
        let source = try ConfigSource(file: Self.path("hub.yaml"), environment: [
            "GARRISON_DATABASE_PASSWORD": "hunter2-database", "GARRISON_MIGRATION_PASSWORD": "hunter2-owner",
            "GARRISON_INTAKE_DEVICE_SECRET": "a-device-secret-of-at-least-32-bytes!!",
        ])
        let configuration = try HubConfiguration(config: source)
        #expect(configuration.database.password == "hunter2-database")
        let shown = source.recorder.all.map { "\($0.key)=\($0.shown ?? "")" }.joined(separator: "\n")
        #expect(!shown.contains("hunter2") && !shown.contains("a-device-secret"))
        #expect(shown.contains("database.password=<REDACTED>") && shown.contains("intake.device_secret=<REDACTED>"))
        #expect(shown.contains("database.pool_size=20"))
    }
}
