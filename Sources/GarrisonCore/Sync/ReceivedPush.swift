/// A push as the hub receives it (DESIGN §3: one bad change never blocks the rest): each change is decoded on its
/// own, so a change the hub cannot even read is quarantined by its sequence number while the batch around it
/// applies. The envelope itself (sequence numbers, the rebase flag) must be well-formed, or the batch is refused.
public struct ReceivedPush: Decodable, Sendable {
    /// One queued change as received: the change, or why it could not be read.
    public struct Entry: Decodable, Sendable {
        public let seq: Int64
        public let change: Result<Change, Unreadable>

        private enum CodingKeys: String, CodingKey { case seq, change }
        private enum ChangeKeys: String, CodingKey {
            case reportID = "report_id"
            case garrison
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            seq = try container.decode(Int64.self, forKey: .seq)
            do {
                change = .success(try container.decode(Change.self, forKey: .change))
            } catch {
                // What can still be read of it, to file the quarantine entry under its report.
                let keys = try? container.nestedContainer(keyedBy: ChangeKeys.self, forKey: .change)
                let reportID = (try? keys?.decodeIfPresent(String.self, forKey: .reportID)) ?? nil
                change = .failure(Unreadable(
                    reportID: reportID.flatMap { WireID.isUUIDv7($0) ? $0 : nil }, reason: DecodingFailure.describe(error)))
            }
        }
    }

    /// Why a change could not be read, and the report it named if that much was readable.
    public struct Unreadable: Error, Hashable, Sendable {
        public let reportID: String?
        public let reason: String
    }

    public let rebase: Bool
    public let entries: [Entry]

    private enum CodingKeys: String, CodingKey { case rebase, changes }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rebase = try container.decodeIfPresent(Bool.self, forKey: .rebase) ?? false
        entries = try container.decode([Entry].self, forKey: .changes)
    }

    /// Throws unless sequence numbers are 1…`PushRequest.maxSeq` and strictly increasing.
    public func validateEnvelope() throws(ValidationError) {
        try PushRequest.validateSequence(entries.map(\.seq))
    }

    /// The batch to plan, with a stand-in for each unreadable change (an empty change of the sender's, filed under
    /// the report it named) and the reasons to quarantine those stand-ins with, by sequence number.
    public func request(sender: Principal) -> (request: PushRequest, unreadable: [Int64: QuarantineReason]) {
        var unreadable: [Int64: QuarantineReason] = [:]
        let changes = entries.map { entry -> QueuedChange in
            switch entry.change {
            case .success(let change):
                return QueuedChange(seq: entry.seq, change: change)
            case .failure(let failure):
                unreadable[entry.seq] = QuarantineReason(code: .malformedChange, message: failure.reason)
                let standIn = Change(
                    reportID: failure.reportID ?? "", garrison: sender.garrison ?? "", origin: sender.site, kind: .update)
                return QueuedChange(seq: entry.seq, change: standIn)
            }
        }
        return (PushRequest(changes: changes, rebase: rebase), unreadable)
    }
}

extension PushRequest {
    /// The highest sequence number a node may use (2^53: exact in every JSON reader, and far from overflow).
    public static let maxSeq: Int64 = 1 << 53

    /// Throws unless `seqs` are 1…`maxSeq` and strictly increasing (an honest node sends its queue in order).
    public static func validateSequence(_ seqs: [Int64]) throws(ValidationError) {
        var previous: Int64 = 0
        for seq in seqs {
            guard (1...maxSeq).contains(seq) else {
                throw ValidationError(
                    code: .invalidSequence, message: "sequence numbers are 1…\(maxSeq) (got \(seq))", field: "changes.seq")
            }
            guard seq > previous else {
                throw ValidationError(
                    code: .invalidSequence,
                    message: "sequence numbers increase strictly within a batch (\(seq) follows \(previous))", field: "changes.seq")
            }
            previous = seq
        }
    }
}

/// Describes a decoding failure by where it happened, in words a person can act on, without echoing the input.
public enum DecodingFailure {
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "the value is not valid JSON" }
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "the value" : String(path.drop { $0 == "." }.prefix(200))
        }
        switch error {
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription.prefix(200))"
        case .keyNotFound(let key, let context): return "\(path(context)): missing \"\(key.stringValue.prefix(64))\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)): \(context.debugDescription.prefix(200))"
        @unknown default: return "the value does not have the expected shape"
        }
    }
}
