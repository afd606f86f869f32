extension Migration {
    /// v4: the citizens' intake (DESIGN §6, pillar 3). One report per device per day: the hub counts reports per
    /// device and day under a SHA-256 of the device's id, so who reported is never stored.
    static let v4Intake = Migration(
        version: 4, name: "citizens' intake",
        statements: [
            """
            CREATE TABLE intake_devices (
              device_sha256 text NOT NULL,
              day date NOT NULL,
              reports int NOT NULL,
              PRIMARY KEY (device_sha256, day)
            )
            """,
            "GRANT SELECT, INSERT, UPDATE, DELETE ON intake_devices TO {app}",
        ]
    )
}
