/// A garrison's lifecycle phase (DESIGN §7): `planned` → `pilot` → `live`, and `suspended` from either.
public enum RolloutPhase: String, Codable, Sendable, CaseIterable {
    case planned, pilot, live, suspended

    /// Whether the garrison's node may sync.
    public var syncs: Bool { self == .pilot || self == .live }
}

/// A garrison's rollout phase as the hub holds it (`GET /v1/sync/garrisons`): the national node flags pilot
/// garrisons in its statistics and keeps them out of the public variant (DESIGN §7).
public struct GarrisonPhase: Hashable, Codable, Sendable {
    public let garrison: GarrisonCode
    public let name: String
    public let wave: Int
    public let phase: RolloutPhase

    public init(garrison: GarrisonCode, name: String, wave: Int, phase: RolloutPhase) {
        self.garrison = garrison
        self.name = name
        self.wave = wave
        self.phase = phase
    }

    /// Whether the garrison's figures may appear in public views: only a garrison that went live.
    public var isPublic: Bool { phase == .live }
}
