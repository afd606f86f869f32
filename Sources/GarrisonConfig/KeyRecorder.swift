import Configuration
import Synchronization

/// Every key the configuration was asked for, with the value it gave (secrets redacted by the library) and the
/// provider it came from: what `garrison hub check --show-config` prints, and how the tests prove that every key
/// the code reads is documented in `Config/` and every documented key is read.
public final class KeyRecorder: AccessReporter, Sendable {
    /// One key as read.
    public struct Reading: Sendable, Hashable {
        /// The dotted key (`database.pool_size`).
        public let key: String
        /// The value as the library renders it, `<REDACTED>` for a secret; nil when no provider had the key.
        public let shown: String?
        /// The provider that answered (`environment`, the file's path), nil when none did.
        public let provider: String?
    }

    private let readings = Mutex<[String: Reading]>([:])

    public init() {}

    public func report(_ event: AccessEvent) {
        let key = event.metadata.key.components.joined(separator: ".")
        let answered = event.providerResults.first { result in
            if case .success(let lookup) = result.result { return lookup.value != nil }
            return true  // a provider that failed to parse the value answered too (wrongly)
        }
        let shown: String? = switch event.result {
        case .success(let value?): Self.render(value)
        case .success(nil), .failure: answered == nil ? nil : "<invalid>"
        }
        let reading = Reading(key: key, shown: shown, provider: answered?.providerName)
        readings.withLock { all in
            // The first reading of a key decides what it shows; a later typed re-read of it adds nothing.
            if all[key] == nil || all[key]?.shown == nil { all[key] = reading }
        }
    }

    private static func render(_ value: ConfigValue) -> String {
        guard !value.isSecret else { return "<REDACTED>" }
        return switch value.content {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        case .stringArray(let list): list.joined(separator: ",")
        case .intArray(let list): list.map(String.init).joined(separator: ",")
        case .doubleArray(let list): list.map { String($0) }.joined(separator: ",")
        case .boolArray(let list): list.map(String.init).joined(separator: ",")
        case .bytes(let bytes): "\(bytes.count) bytes"
        case .byteChunkArray(let chunks): "\(chunks.count) byte chunks"
        }
    }

    /// Every key asked for, sorted.
    public var keys: [String] { readings.withLock { $0.keys.sorted() } }

    /// Every reading, sorted by key.
    public var all: [Reading] { readings.withLock { $0.values.sorted { $0.key < $1.key } } }
}
