/// A site's hybrid logical clock: issues stamps that are monotonic and move past everything observed.
///
/// Pure value type: the physical time is passed in by the caller, so simulations and tests control time exactly.
public struct HybridClock: Sendable {
    /// The site whose stamps this clock makes.
    public let site: SiteID
    /// The latest stamp issued or observed.
    public private(set) var last: HLC

    /// How far ahead of local physical time a received stamp may be before it is refused (clock skew guard).
    public let maxForwardDriftMillis: Int64

    public init(site: SiteID, maxForwardDriftMillis: Int64 = 5 * 60 * 1000) {
        self.site = site
        self.last = HLC(wallMillis: 0, counter: 0, site: site)
        self.maxForwardDriftMillis = maxForwardDriftMillis
    }

    /// A new stamp for a local write at physical time `physicalMillis`.
    public mutating func now(physicalMillis: Int64) -> HLC {
        let stamp: HLC
        if physicalMillis > last.wallMillis {
            stamp = HLC(wallMillis: physicalMillis, counter: 0, site: site)
        } else {
            stamp = HLC(wallMillis: last.wallMillis, counter: last.counter &+ 1, site: site)
        }
        last = stamp
        return stamp
    }

    /// Moves the clock past a stamp received from another site.
    ///
    /// Returns `false` (and ignores the stamp) when it lies more than `maxForwardDriftMillis` ahead of local
    /// physical time: a site with a broken clock must not drag every other site's clock into the future.
    @discardableResult
    public mutating func observe(_ remote: HLC, physicalMillis: Int64) -> Bool {
        guard remote.wallMillis <= physicalMillis + maxForwardDriftMillis else { return false }
        let wall = max(last.wallMillis, remote.wallMillis, physicalMillis)
        let counter: UInt32
        if wall == last.wallMillis && wall == remote.wallMillis {
            counter = max(last.counter, remote.counter) &+ 1
        } else if wall == last.wallMillis {
            counter = last.counter &+ 1
        } else if wall == remote.wallMillis {
            counter = remote.counter &+ 1
        } else {
            counter = 0
        }
        last = HLC(wallMillis: wall, counter: counter, site: site)
        return true
    }
}
