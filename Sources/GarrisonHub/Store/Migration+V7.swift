extension Migration {
    /// v7: the hub adopts `rollout.waves` at every start, as the application role (issue 14: the shipped
    /// configuration failed with `permission denied for table garrisons`). The role may set a garrison's wave
    /// and nothing else of it beyond the phase v1 already granted.
    static let v7WaveGrant = Migration(
        version: 7, name: "application role sets rollout waves",
        statements: ["GRANT UPDATE (wave) ON garrisons TO {app}"]
    )
}
