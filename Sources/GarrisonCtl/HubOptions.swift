import ArgumentParser
import Foundation
import GarrisonHubClient

/// How garrisonctl reaches the hub's admin API: its URL and an admin certificate of the deployment's CA.
/// Each option falls back to an environment variable, so a shell profile can set them once.
struct HubOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The hub's mutual-TLS API, e.g. https://hub.kmzb.local:8443 ($GARRISONCTL_HUB).", valueName: "url"))
    var hub: String?

    @Option(help: ArgumentHelp("Your admin certificate, PEM ($GARRISONCTL_CERT).", valueName: "path"))
    var cert: String?

    @Option(help: ArgumentHelp("Its private key, PEM ($GARRISONCTL_KEY).", valueName: "path"))
    var key: String?

    @Option(help: ArgumentHelp("The deployment CA, PEM ($GARRISONCTL_CA).", valueName: "path"))
    var ca: String?

    @Flag(help: "Skip the check that the hub's certificate names the host in --hub (an IP-only test set-up).")
    var noVerifyHostname = false

    private func value(_ option: String?, _ variable: String, _ flag: String) throws -> String {
        if let option { return option }
        if let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty { return value }
        throw ValidationError("\(flag) is required (or set \(variable))")
    }

    /// Runs `body` with a client of the hub, closed afterwards; maps the hub's refusals and an unreachable hub to
    /// the documented exit codes with a message on stderr.
    func withClient<T>(_ body: (HubClient) async throws -> T) async throws -> T {
        let url = try value(hub, "GARRISONCTL_HUB", "--hub")
        let paths = [
            ("--cert", try value(cert, "GARRISONCTL_CERT", "--cert")), ("--key", try value(key, "GARRISONCTL_KEY", "--key")),
            ("--ca", try value(ca, "GARRISONCTL_CA", "--ca")),
        ]
        var pems: [String] = []
        for (flag, path) in paths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                Output.error("\(flag) \(path) cannot be read")
                throw ExitCode(CtlExit.failure)
            }
            pems.append(text)
        }
        let client: HubClient
        do {
            client = try HubClient(
                baseURL: url, certificatePEM: pems[0], keyPEM: pems[1], caPEM: pems[2], timeout: .seconds(60),
                verifyHostname: !noVerifyHostname, retryConnecting: false, connections: 2)
        } catch {
            Output.error("the admin certificate, key or CA is not usable PEM: \(error)")
            throw ExitCode(CtlExit.failure)
        }
        do {
            let result = try await body(client)
            try? await client.shutdown()
            return result
        } catch let error as HubClientError {
            try? await client.shutdown()
            Output.error(error.detail + " (\(error.status) \(error.code))")
            throw ExitCode(CtlExit.code(forStatus: error.status))
        } catch let exit as ExitCode {
            try? await client.shutdown()
            throw exit
        } catch {
            try? await client.shutdown()
            Output.error("cannot reach the hub at \(url): \(error)")
            throw ExitCode(CtlExit.unavailable)
        }
    }
}

/// Exit codes a script can rely on (also in `garrisonctl --help`).
enum CtlExit {
    static let success: Int32 = 0
    /// A local failure: a file that cannot be read or written, unusable PEM.
    static let failure: Int32 = 1
    /// The hub refused: a readiness gate failed, a conflicting state (already live, token used, …).
    static let refused: Int32 = 2
    /// What was named does not exist (a garrison, a conflict number, a quarantined change).
    static let notFound: Int32 = 3
    /// Bad arguments or a request the hub called malformed.
    static let usage: Int32 = 64
    /// The hub cannot be reached, or answered 5xx.
    static let unavailable: Int32 = 69
    /// The certificate was refused: not an admin one, revoked, or from another CA.
    static let permission: Int32 = 77

    static func code(forStatus status: Int) -> Int32 {
        switch status {
        case 400, 413, 422: usage
        case 401, 403: permission
        case 404: notFound
        case 409: refused
        case 500...: unavailable
        default: failure
        }
    }

    static let help = """
        Exit codes: 0 done; 1 a local failure (a file unreadable or unwritable); 2 the hub refused (a gate failed, \
        already in that state, a token already used); 3 not found (garrison, conflict, quarantined change); \
        64 bad arguments; 69 the hub is unreachable or failing; 77 the certificate was refused (not admin, revoked).
        """
}

/// Printing for people and for scripts.
enum Output {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("garrisonctl: \(message)\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    /// One JSON document on stdout (sorted keys, ISO 8601 dates).
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// A plain text table: a header, then rows, columns padded to their widest cell.
    static func table(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        print(line(header))
        for row in rows { print(line(row)) }
    }

    /// Seconds as `12s`, `5m`, `3h`, `2d`; `-` for none.
    static func age(_ seconds: Double?) -> String {
        guard let seconds else { return "never" }
        switch seconds {
        case ..<120: return "\(Int(seconds))s ago"
        case ..<7200: return "\(Int(seconds / 60))m ago"
        case ..<172_800: return "\(Int(seconds / 3600))h ago"
        default: return "\(Int(seconds / 86_400))d ago"
        }
    }
}
