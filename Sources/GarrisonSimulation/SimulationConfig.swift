import GarrisonCore

/// What a simulated run does: which garrisons, how long, how much load, which faults.
public struct SimulationConfig: Sendable {
    public var seed: UInt64
    /// Garrisons with a node; the national node always runs.
    public var garrisons: [GarrisonCode]
    /// Simulated seconds of load before the healing phase.
    public var durationSeconds: Int
    /// New reports per simulated second, over all garrisons and pillars.
    public var reportsPerSecond: Double
    /// Probability that a request or its answer is lost.
    public var lossRate: Double
    /// Probability per simulated second that a node process is killed and restarts.
    public var crashRatePerSecond: Double
    /// The garrison cut off from the hub for the middle third of the run (nil given: the first garrison).
    public var partitioned: GarrisonCode?
    /// Counties to put reports in, per garrison; by default a few real TERYT codes per garrison.
    public var counties: [GarrisonCode: [CountyCode]]
    public var sync: SyncSettings
    /// Share of new reports that come from citizens through the hub's intake (pillar 3); they also confirm.
    public var citizenShare: Double
    /// Take a backup of the hub at the first fraction of the run and restore it at the second (nil: never).
    public var hubRestore: (backupAt: Double, restoreAt: Double)?
    /// Fail the hub's database over to a synchronous standby at this fraction of the run (same data, a new
    /// timeline), with a second hub instance that reads the new identity only seconds later (nil: never).
    public var hubFailover: (at: Double, twoInstances: Bool)?
    /// Whether the national HQ moves one report to another garrison during the run.
    public var reassign: Bool
    /// How far each garrison node's clock is off the hub's (positive: ahead), within what the hub accepts.
    public var clockSkewMillis: [GarrisonCode: Int64]
    /// A part deliberately broken, to show that the run's checks catch it (nil: nothing broken).
    public var sabotage: Sabotage?

    public init(
        seed: UInt64 = 1, garrisons: [GarrisonCode] = GarrisonRegistry.standard.garrisons.map(\.code),
        durationSeconds: Int = 60, reportsPerSecond: Double = 20, lossRate: Double = 0.05,
        crashRatePerSecond: Double = 0.02, partitioned: GarrisonCode? = nil,
        counties: [GarrisonCode: [CountyCode]] = SimulationConfig.defaultCounties,
        citizenShare: Double = 1.0 / 3.0, hubRestore: (backupAt: Double, restoreAt: Double)? = nil,
        hubFailover: (at: Double, twoInstances: Bool)? = nil,
        reassign: Bool = true, clockSkewMillis: [GarrisonCode: Int64] = [:], sabotage: Sabotage? = nil,
        sync: SyncSettings = SyncSettings(
            pushBatchLimit: 200, pullLimit: 500, pullWaitSeconds: 20,
            backoff: Backoff(baseMillis: 200, ceilingMillis: 5_000),
            refusedBackoff: Backoff(baseMillis: 1_000, ceilingMillis: 10_000))
    ) {
        self.seed = seed
        self.garrisons = garrisons
        self.durationSeconds = durationSeconds
        self.reportsPerSecond = reportsPerSecond
        self.lossRate = lossRate
        self.crashRatePerSecond = crashRatePerSecond
        self.partitioned = partitioned ?? garrisons.first
        self.counties = counties
        self.sync = sync
        self.citizenShare = citizenShare
        self.hubRestore = hubRestore
        self.hubFailover = hubFailover
        self.reassign = reassign
        self.clockSkewMillis = clockSkewMillis
        self.sabotage = sabotage
    }

    /// Without a county file: the first five land counties and the first city county of each voivodeship
    /// (every voivodeship has them), and KSP's own ten; the KSP counties are taken out of garrison 14's list.
    public static let defaultCounties: [GarrisonCode: [CountyCode]] = {
        let registry = GarrisonRegistry.standard
        var result: [GarrisonCode: [CountyCode]] = [:]
        for garrison in registry.garrisons {
            if let voivodeship = garrison.voivodeship {
                result[garrison.code] = ["01", "02", "03", "04", "05", "61"].map { CountyCode(voivodeship + $0) }
                    .filter { registry.garrison(covering: $0)?.code == garrison.code }
            } else {
                result[garrison.code] = garrison.counties
            }
        }
        return result
    }()
}

/// A part of the system broken on purpose in a simulated run: each must make the run fail its checks (lost,
/// duplicated or divergent), or those checks prove nothing.
public enum Sabotage: String, Sendable, CaseIterable, Codable {
    /// The nodes' merge keeps what they hold where a pulled change touches a report they have (first writer
    /// wins for one report in three), instead of the field-by-field merge of stamps.
    case merge
    /// The hub's batch planner drops the last change of a batch of several and acknowledges it all the same.
    case planner
    /// The hub forgets each node's high-water mark: a replayed batch (its answer lost) is applied again.
    case highWater = "high_water"
}
