/// A node checks the hub's answers before acting on them (DESIGN §6: a node does not trust the hub blindly):
/// numbers in range, positions in order, texts bounded. A malformed answer is a failed request, retried with
/// backoff like an outage, and never a trap or a corrupted checkpoint.
extension PullPage {
    /// Throws unless the page is a well-formed answer to a pull from `cursor` of at most `limit` entries.
    public func validate(after cursor: Int64, limit: Int) throws(ValidationError) {
        func refuse(_ message: String) -> ValidationError {
            ValidationError(code: .malformedAnswer, message: "the hub's pull answer \(message)")
        }
        guard positions.count <= max(limit, 0) else { throw refuse("has \(positions.count) entries; \(limit) were asked") }
        var previous = cursor
        for position in positions {
            guard position > previous, position <= PushRequest.maxSeq else {
                throw refuse("has position \(position) after \(previous)")
            }
            previous = position
        }
        for entry in entries {
            guard (0...ChangeValidator.latestMillis).contains(entry.committedAtMillis) else {
                throw refuse("has a commit time \(entry.committedAtMillis) outside 1970…2100")
            }
        }
        guard nextCursor == previous else { throw refuse("names next cursor \(nextCursor), not \(previous)") }
        guard (0...PushRequest.maxSeq).contains(head) else { throw refuse("names feed head \(head)") }
        try hub.validate()
    }
}

extension SnapshotPage {
    /// Throws unless the page is well-formed: a cursor in range, at most `limit` reports in id order after `after`.
    public func validate(after: String, limit: Int) throws(ValidationError) {
        func refuse(_ message: String) -> ValidationError {
            ValidationError(code: .malformedAnswer, message: "the hub's snapshot page \(message)")
        }
        guard (0...PushRequest.maxSeq).contains(cursor) else { throw refuse("names cursor \(cursor)") }
        guard reports.count <= max(limit, 0) else { throw refuse("has \(reports.count) reports; \(limit) were asked") }
        var previous = after
        for report in reports {
            guard report.reportID > previous else { throw refuse("is not in id order after \(previous.prefix(64))") }
            previous = report.reportID
        }
        if let nextAfter { guard nextAfter >= previous, nextAfter.utf8.count <= 64 else { throw refuse("names a next page out of order") } }
        try hub.validate()
    }
}

extension PushAck {
    /// Throws unless the acknowledgement is in range and its rejections name sequence numbers it acknowledges.
    public func validate() throws(ValidationError) {
        func refuse(_ message: String) -> ValidationError {
            ValidationError(code: .malformedAnswer, message: "the hub's push answer \(message)")
        }
        guard (0...PushRequest.maxSeq).contains(ackedThrough) else { throw refuse("acknowledges through \(ackedThrough)") }
        for rejection in rejections {
            // Compared, never made a range of: an answer acknowledging through 0 would make 1...0, which traps.
            guard rejection.seq >= 1, rejection.seq <= ackedThrough else { throw refuse("rejects \(rejection.seq), not acknowledged") }
            guard ProblemCode(validating: rejection.reason.code.rawValue) != nil, rejection.reason.message.utf8.count <= 4_096 else {
                throw refuse("gives a rejection reason out of form (a code of 1–64 of a–z, 0–9, _; a message of at most 4,096 bytes)")
            }
        }
        try hub.validate()
    }
}

extension HubIdentity {
    /// Throws unless the identity is short text without control characters.
    public func validate() throws(ValidationError) {
        try TextRule.name.check(systemID, field: "hub.system_id")
        guard timeline >= 0 else {
            throw ValidationError(code: .malformedAnswer, message: "the hub names timeline \(timeline)", field: "hub.timeline")
        }
    }
}
