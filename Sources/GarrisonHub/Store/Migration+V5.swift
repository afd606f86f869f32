extension Migration {
    /// v5: daily limits a client cannot mint its way around (issue 13). Per client address and Warsaw day, the
    /// reports accepted and the device credentials issued, counted under a keyed hash of the address (never the
    /// address); and the intake secret the hub makes when none is configured, kept here so that every hub process
    /// on this database signs and accepts the same credentials (DESIGN §9).
    ///
    /// Neither table names a garrison: a citizen's limits span garrisons, so like `intake_devices` (v4) they are
    /// not tenant tables and carry no row-level policy; the application role gets only what the intake does with
    /// them. The secret is insert-once: the app role can neither change nor delete it (that would void every
    /// credential issued).
    static let v5IntakeLimits = Migration(
        version: 5, name: "intake limits",
        statements: [
            """
            CREATE TABLE intake_addresses (
              purpose text NOT NULL CHECK (purpose IN ('reports', 'credentials')),
              address_hash text NOT NULL,
              day date NOT NULL,
              count int NOT NULL,
              PRIMARY KEY (purpose, address_hash, day)
            )
            """,
            """
            CREATE TABLE intake_secret (
              id int PRIMARY KEY CHECK (id = 1),
              secret text NOT NULL,
              created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "GRANT SELECT, INSERT, UPDATE, DELETE ON intake_addresses TO {app}",
            "GRANT SELECT, INSERT ON intake_secret TO {app}",
        ]
    )
}
