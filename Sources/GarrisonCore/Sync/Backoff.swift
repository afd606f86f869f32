/// Exponential backoff with jitter and a ceiling: the delay before retry number `attempt` (1, 2, …).
///
/// "Equal jitter": half the exponential delay is fixed, half random, so retries from 17 nodes after a hub outage
/// spread out but none retries immediately. There is no attempt limit: sync never gives up.
public struct Backoff: Hashable, Sendable, Codable {
    /// The first delay, in milliseconds.
    public var baseMillis: Int64
    /// The longest delay, in milliseconds.
    public var ceilingMillis: Int64

    public static let standard = Backoff(baseMillis: 500, ceilingMillis: 60_000)

    public init(baseMillis: Int64, ceilingMillis: Int64) {
        precondition(baseMillis > 0 && ceilingMillis >= baseMillis, "backoff needs 0 < base ≤ ceiling")
        self.baseMillis = baseMillis
        self.ceilingMillis = ceilingMillis
    }

    /// The delay before retry `attempt` (≥ 1), drawing the jitter from `generator`.
    public func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Int64 {
        let exponent = min(max(attempt - 1, 0), 30)
        let (scaled, overflow) = baseMillis.multipliedReportingOverflow(by: Int64(1) << exponent)
        let capped = overflow ? ceilingMillis : min(scaled, ceilingMillis)
        let half = capped / 2
        return half + Int64.random(in: 0...(capped - half), using: &generator)
    }
}
