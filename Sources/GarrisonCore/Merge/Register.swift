/// A last-writer-wins register: a field's value with the stamp that wrote it and the stamp the writer had seen.
public struct Register: Hashable, Codable, Sendable {
    /// The value written.
    public var value: FieldValue
    /// The stamp of the write; decides which write wins.
    public var stamp: HLC
    /// The stamp of the value the writer replaced (nil for a first write). Used only to tell a conflict from a
    /// causal overwrite; it takes no part in choosing the winner.
    public var base: HLC?

    public init(value: FieldValue, stamp: HLC, base: HLC? = nil) {
        self.value = value
        self.stamp = stamp
        self.base = base
    }

    /// Whether this register wins over `other`: the higher stamp. Two different registers with the same stamp
    /// never come from a correct deployment; a canonical order still decides them so merge stays commutative.
    public func wins(over other: Register) -> Bool {
        if stamp != other.stamp { return stamp > other.stamp }
        return (value.canonical, base?.description ?? "") > (other.value.canonical, other.base?.description ?? "")
    }

    /// The merge of two registers: the winner.
    public func merged(with other: Register) -> Register { other.wins(over: self) ? other : self }
}

/// The status register (DESIGN §3): ordered by `(epoch, rank, stamp)`.
///
/// A reopen starts a new epoch, so it always wins over what it reopens; within an epoch a higher rank wins, so a
/// late "Weryfikacja" never overwrites a closed outcome; the stamp decides between equal ranks.
public struct StatusRegister: Hashable, Codable, Sendable {
    public var status: ReportStatus
    /// Incremented by each reopen, at most `maxEpoch`.
    public var epoch: Int
    /// The highest epoch: a reopen past it is refused (no arithmetic on a received epoch may overflow).
    public static let maxEpoch = 10_000

    /// The epoch a reopen of this status starts, or nil past `maxEpoch` (a stored epoch is never trusted to be
    /// small enough to add one to).
    public var nextEpoch: Int? { (0..<Self.maxEpoch).contains(epoch) ? epoch + 1 : nil }
    public var stamp: HLC
    /// The stamp of the status the writer replaced.
    public var base: HLC?

    public init(status: ReportStatus, epoch: Int, stamp: HLC, base: HLC? = nil) {
        self.status = status
        self.epoch = epoch
        self.stamp = stamp
        self.base = base
    }

    /// Whether this write wins over `other`: by `(epoch, rank, stamp)`, then a canonical order for the
    /// impossible exact tie.
    public func wins(over other: StatusRegister) -> Bool {
        if epoch != other.epoch { return epoch > other.epoch }
        if status.rank != other.status.rank { return status.rank > other.status.rank }
        if stamp != other.stamp { return stamp > other.stamp }
        return (status.rawValue, base?.description ?? "") > (other.status.rawValue, other.base?.description ?? "")
    }

    /// The merge of two status registers: the winner.
    public func merged(with other: StatusRegister) -> StatusRegister { other.wins(over: self) ? other : self }
}
