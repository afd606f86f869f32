import GarrisonCore
import Testing

@Suite("Hybrid logical clock")
struct ClockTests {
    @Test("stamps are monotonic even when physical time stands still or goes back")
    func monotonic() {
        var clock = HybridClock(site: "a")
        var last = clock.now(physicalMillis: 1_000)
        for physical in [1_000, 1_000, 999, 500, 1_001, 1_001] as [Int64] {
            let next = clock.now(physicalMillis: physical)
            #expect(next > last)
            last = next
        }
    }

    @Test("observing a remote stamp moves past it")
    func observe() {
        var a = HybridClock(site: "a")
        var b = HybridClock(site: "b")
        let remote = b.now(physicalMillis: 5_000)
        let accepted = a.observe(remote, physicalMillis: 4_000)
        #expect(accepted)
        let next = a.now(physicalMillis: 4_000)
        #expect(next > remote)
    }

    @Test("a stamp far in the future is refused, not followed")
    func drift() {
        var a = HybridClock(site: "a", maxForwardDriftMillis: 1_000)
        let future = HLC(wallMillis: 100_000, counter: 0, site: "broken")
        let accepted = a.observe(future, physicalMillis: 1_000)
        #expect(!accepted)
        let next = a.now(physicalMillis: 1_000)
        #expect(next.wallMillis == 1_000)
    }

    @Test("order: wall time, then counter, then site")
    func order() {
        #expect(HLC(wallMillis: 1, counter: 9, site: "z") < HLC(wallMillis: 2, counter: 0, site: "a"))
        #expect(HLC(wallMillis: 1, counter: 1, site: "z") < HLC(wallMillis: 1, counter: 2, site: "a"))
        #expect(HLC(wallMillis: 1, counter: 1, site: "a") < HLC(wallMillis: 1, counter: 1, site: "b"))
    }
}
