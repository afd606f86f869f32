extension Migration {
    /// v3: the pilot rollout (DESIGN §6–§7). One-time enrollment tokens (only a hash of the secret is kept), the
    /// certificates the hub signed, the audit of every change of phase, and what each node last told the hub
    /// about itself (its queue and its pull cursor) for the readiness gates.
    ///
    /// Only the hub's own admin and enrollment paths touch them, as tenant `*`; row-level security still applies.
    static let v3Rollout = Migration(
        version: 3, name: "rollout",
        statements: [
            """
            CREATE TABLE enrollment_tokens (
              token_id text PRIMARY KEY,
              secret_sha256 text NOT NULL,
              role text NOT NULL CHECK (role IN ('node', 'national')),
              garrison text REFERENCES garrisons (code),
              created_by text NOT NULL,
              created_at timestamptz NOT NULL DEFAULT now(),
              expires_at timestamptz NOT NULL,
              used_at timestamptz,
              node_id text,
              CHECK ((role = 'node') = (garrison IS NOT NULL))
            )
            """,
            """
            CREATE TABLE certificates (
              serial text PRIMARY KEY,
              node_id text NOT NULL,
              role text NOT NULL,
              garrison text REFERENCES garrisons (code),
              not_after timestamptz NOT NULL,
              issued_at timestamptz NOT NULL DEFAULT now(),
              token_id text REFERENCES enrollment_tokens (token_id)
            )
            """,
            "CREATE INDEX certificates_by_garrison ON certificates (garrison)",
            """
            CREATE TABLE phase_audit (
              id bigserial PRIMARY KEY,
              garrison text NOT NULL REFERENCES garrisons (code),
              from_phase text NOT NULL,
              to_phase text NOT NULL,
              actor text NOT NULL,
              reason text NOT NULL,
              at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX phase_audit_by_garrison ON phase_audit (garrison, id)",
            // Reported by a node on every pull: its outbox depth and its feed cursor (lag = head − cursor).
            "ALTER TABLE nodes ADD COLUMN queue_depth bigint",
            "ALTER TABLE nodes ADD COLUMN pull_cursor bigint",
        ]
            // They name garrisons, so they are tenant tables like the rest: a transaction scoped to one garrison
            // sees only that garrison's tokens, certificates and audit.
            + ["enrollment_tokens", "certificates", "phase_audit"].flatMap(tenantPolicy)
            + [
                "GRANT SELECT, INSERT, UPDATE ON enrollment_tokens, certificates TO {app}",
                "GRANT SELECT, INSERT ON phase_audit TO {app}",
                "GRANT USAGE ON SEQUENCE phase_audit_id_seq TO {app}",
            ]
    )
}
