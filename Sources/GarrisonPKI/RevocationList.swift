import Foundation

/// The deployment's list of revoked certificates: a text file of serial numbers (hex, as `garrisonctl pki show`
/// prints them), one per line, `#` starting a comment. `garrisonctl pki revoke` appends to it; the hub reads it
/// again whenever it changes.
///
/// A plain file rather than an X.509 CRL: the deployment's CA is its own, every party that checks revocation is
/// the hub, and an administrator can read and review the file with `cat`.
public struct RevocationList: Hashable, Sendable {
    /// Revoked serials, lower-case hex without separators or leading zeros.
    public let serials: Set<String>

    public init(serials: Set<String> = []) {
        self.serials = Set(serials.map(Self.normalised))
    }

    /// Parses the file's text; a line that is not hex is an error naming the line.
    public init(text: String) throws(PKIError) {
        var serials = Set<String>()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let serial = Self.normalised(trimmed)
            guard !serial.isEmpty, serial.allSatisfy(\.isHexDigit) else {
                throw PKIError(code: .invalidRevocationList, message: "line \(index + 1): \"\(trimmed)\" is not a hex serial number")
            }
            serials.insert(serial)
        }
        self.serials = serials
    }

    /// Reads the file; a missing file is an empty list (nothing revoked yet).
    public init(contentsOf path: String) throws(PKIError) {
        guard FileManager.default.fileExists(atPath: path) else {
            self.init()
            return
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PKIError(code: .unreadableRevocationList, message: "\(path): \(error.localizedDescription)")
        }
        try self.init(text: text)
    }

    /// Whether the serial (any case, with or without `:` separators and leading zeros) is revoked.
    public func isRevoked(_ serial: String) -> Bool { serials.contains(Self.normalised(serial)) }

    /// Appends a serial to the file at `path` (created if missing) with a comment saying why and when.
    public static func append(serial: String, reason: String, to path: String, now: Date = Date()) throws {
        let line = "\(normalised(serial))  # \(ISO8601DateFormatter().string(from: now)) \(reason.replacingOccurrences(of: "\n", with: " "))\n"
        if !FileManager.default.fileExists(atPath: path) {
            try Data("# garrison revoked certificates: one hex serial per line\n".utf8).write(to: URL(fileURLWithPath: path))
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.utf8))
        try handle.synchronize()
    }

    static func normalised(_ serial: String) -> String {
        let hex = serial.lowercased().filter { $0 != ":" && !$0.isWhitespace }
        let trimmed = hex.drop { $0 == "0" }
        return trimmed.isEmpty ? (hex.isEmpty ? "" : "0") : String(trimmed)
    }
}
