import Foundation
import Testing

/// `garrison hub` as an operator starts it: configuration errors end in exit code 78 naming the key.
@Suite struct HubCommandTests {
    @Test("a missing configuration file is named, exit 78")
    func missingFile() async throws {
        let run = try await CLI.run("garrison", ["hub", "--config", "/nonexistent/hub.yaml"])
        #expect(run.status == 78)
        #expect(run.stderr.contains("/nonexistent/hub.yaml"), "\(run.stderr)")
    }

    @Test("a missing key is named with its environment variable, exit 78")
    func missingKey() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hub-\(UUID().uuidString).yaml")
        try Data("tls:\n  key: k.pem\n  ca: ca.pem\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try await CLI.run("garrison", ["hub", "migrate", "--config", file.path])
        #expect(run.status == 78)
        #expect(run.stderr.contains("tls.certificate") && run.stderr.contains("GARRISON_TLS_CERTIFICATE"), "\(run.stderr)")
    }
}
