extension Migration {
    /// Garrisons and their phase, categories, nodes, reports with per-field stamps, notes, the per-garrison
    /// feed, conflicts and quarantine; row-level security on every tenant table; grants for the app role.
    static let v1Tenancy = Migration(
        version: 1, name: "tenancy",
        statements: [
            """
            CREATE TABLE garrisons (
              code text PRIMARY KEY,
              name text NOT NULL,
              seat text NOT NULL,
              area text NOT NULL,
              voivodeship text,
              wave int NOT NULL,
              phase text NOT NULL DEFAULT 'planned' CHECK (phase IN ('planned', 'pilot', 'live', 'suspended')),
              phase_changed_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE categories (
              version int NOT NULL,
              category_id int NOT NULL,
              definition jsonb NOT NULL,
              PRIMARY KEY (version, category_id)
            )
            """,
            // The hub's own identity survives restarts; a restore from an older backup keeps it but moves the
            // cluster to a new timeline, which nodes see in every answer (DESIGN §4).
            "CREATE TABLE hub_instance (instance_id uuid PRIMARY KEY DEFAULT gen_random_uuid(), created_at timestamptz NOT NULL DEFAULT now())",
            "INSERT INTO hub_instance DEFAULT VALUES",
            """
            CREATE TABLE nodes (
              node_id text PRIMARY KEY,
              garrison text REFERENCES garrisons (code),
              role text NOT NULL CHECK (role IN ('node', 'national', 'admin')),
              high_water bigint NOT NULL DEFAULT 0,
              changes_taken bigint NOT NULL DEFAULT 0,
              first_seen_at timestamptz NOT NULL DEFAULT now(),
              last_seen_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            // One row per report; `state` holds every field with its HLC stamp and base (notes live apart).
            // The extracted columns serve listings and statistics.
            """
            CREATE TABLE reports (
              report_id text PRIMARY KEY,
              garrison text NOT NULL REFERENCES garrisons (code),
              state jsonb NOT NULL,
              status text,
              category text,
              county text,
              created_at_ms bigint,
              updated_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX reports_by_garrison ON reports (garrison, report_id)",
            """
            CREATE TABLE notes (
              report_id text NOT NULL,
              note_id text NOT NULL,
              garrison text NOT NULL REFERENCES garrisons (code),
              note jsonb NOT NULL,
              added_at timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (report_id, note_id)
            )
            """,
            // Positions are per garrison and handed out under the head row's lock, held to commit, so a reader
            // never sees position n+1 before n: a pull from a cursor never skips a late commit.
            "CREATE TABLE feed_heads (garrison text PRIMARY KEY REFERENCES garrisons (code), head bigint NOT NULL DEFAULT 0)",
            """
            CREATE TABLE feed (
              garrison text NOT NULL REFERENCES garrisons (code),
              position bigint NOT NULL,
              report_id text NOT NULL,
              change jsonb NOT NULL,
              committed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
              PRIMARY KEY (garrison, position)
            )
            """,
            """
            CREATE TABLE conflicts (
              id text PRIMARY KEY,
              -- The deterministic id dedups replicas; administrators address a conflict by its number.
              number bigserial UNIQUE,
              garrison text NOT NULL REFERENCES garrisons (code),
              report_id text NOT NULL,
              field text NOT NULL,
              record jsonb NOT NULL,
              detected_at timestamptz NOT NULL DEFAULT now(),
              resolution text CHECK (resolution IN ('kept', 'overridden')),
              resolved_by text,
              resolved_at timestamptz
            )
            """,
            "CREATE INDEX conflicts_open ON conflicts (garrison, detected_at) WHERE resolution IS NULL",
            """
            CREATE TABLE quarantine (
              id bigserial PRIMARY KEY,
              -- NULL when the change named no real garrison: only the national and admin roles see it.
              garrison text REFERENCES garrisons (code),
              node_id text NOT NULL,
              role text NOT NULL,
              seq bigint,
              report_id text NOT NULL,
              change jsonb NOT NULL,
              reason_code text NOT NULL,
              reason_message text NOT NULL,
              quarantined_at timestamptz NOT NULL DEFAULT now(),
              state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'retried', 'dropped')),
              resolved_by text,
              resolved_at timestamptz
            )
            """,
            "CREATE INDEX quarantine_open ON quarantine (garrison, id) WHERE state = 'open'",
        ]
            + tenantTables.flatMap(tenantPolicy)
            + [
                "GRANT SELECT ON garrisons, categories, hub_instance, schema_migrations TO {app}",
                "GRANT UPDATE (phase, phase_changed_at) ON garrisons TO {app}",
                "GRANT SELECT, INSERT, UPDATE ON nodes, reports, notes, feed_heads, feed, conflicts, quarantine TO {app}",
                "GRANT USAGE ON SEQUENCE quarantine_id_seq, conflicts_number_seq TO {app}",
            ]
    )
}
