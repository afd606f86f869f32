import GRDB

/// The node's SQLite schema, as versioned GRDB migrations (applied at start-up; a migration never changes once
/// released: a new version is a new migration).
enum NodeSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // One row per report this node holds: the merged state as JSON, plus the columns units filter on.
            try db.execute(sql: """
                CREATE TABLE report (
                    id TEXT PRIMARY KEY,
                    garrison TEXT NOT NULL,
                    county TEXT,
                    category INTEGER,
                    status TEXT,
                    unit TEXT,
                    created_at INTEGER,
                    read_at INTEGER,
                    verified_at INTEGER,
                    hidden INTEGER NOT NULL DEFAULT 0,
                    updated_at INTEGER NOT NULL,
                    state TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX report_by_status ON report (garrison, status, id);
                CREATE INDEX report_by_category ON report (garrison, category, id);
                CREATE INDEX report_by_county ON report (garrison, county, id);
                CREATE INDEX report_by_unit ON report (garrison, unit, id);
                CREATE INDEX report_by_created ON report (garrison, created_at);

                -- Every change applied to a report, local or pulled: a report's history.
                CREATE TABLE report_history (
                    id INTEGER PRIMARY KEY,
                    report_id TEXT NOT NULL,
                    applied_at INTEGER NOT NULL,
                    source TEXT NOT NULL CHECK (source IN ('local', 'hub', 'resync')),
                    author TEXT,
                    change TEXT NOT NULL
                );
                CREATE INDEX report_history_by_report ON report_history (report_id, id);

                -- The outbound queue: local changes by the node's gap-free sequence, deleted only once acknowledged.
                CREATE TABLE outbox (
                    seq INTEGER PRIMARY KEY,
                    report_id TEXT NOT NULL,
                    queued_at INTEGER NOT NULL,
                    change TEXT NOT NULL
                );

                -- Changes the hub acknowledged but refused (quarantined there), kept visible with the reason.
                CREATE TABLE rejection (
                    seq INTEGER PRIMARY KEY,
                    report_id TEXT NOT NULL,
                    code TEXT NOT NULL,
                    message TEXT NOT NULL,
                    change TEXT,
                    rejected_at INTEGER NOT NULL
                );

                -- Conflicts this node saw while merging (both values, both sites).
                CREATE TABLE conflict (
                    id TEXT PRIMARY KEY,
                    report_id TEXT NOT NULL,
                    field TEXT NOT NULL,
                    record TEXT NOT NULL,
                    detected_at INTEGER NOT NULL
                );
                CREATE INDEX conflict_by_report ON conflict (report_id);

                -- The sync checkpoint and the local clock: one row, written in the same transaction as what it
                -- describes (a local write, an acknowledgement, a pulled page).
                CREATE TABLE sync_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    next_seq INTEGER NOT NULL,
                    last_acked INTEGER NOT NULL,
                    cursor INTEGER NOT NULL,
                    hub_system_id TEXT,
                    hub_timeline INTEGER,
                    needs_rebase INTEGER NOT NULL,
                    clock TEXT
                );
                INSERT INTO sync_state (id, next_seq, last_acked, cursor, needs_rebase) VALUES (1, 1, 0, 0, 0);

                -- Units' API tokens: only a SHA-256 of each token is kept.
                CREATE TABLE unit_token (
                    id TEXT PRIMARY KEY,
                    token_hash TEXT NOT NULL UNIQUE,
                    unit TEXT,
                    role TEXT NOT NULL,
                    label TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    revoked_at INTEGER
                );
                """)
        }
        migrator.registerMigration("v2") { db in
            // The national node follows every garrison's feed with a cursor of its own, each stored with the
            // page it applied, so one slow garrison never holds the others back.
            try db.execute(sql: """
                CREATE TABLE feed_cursor (
                    garrison TEXT PRIMARY KEY,
                    cursor INTEGER NOT NULL,
                    hub_system_id TEXT,
                    hub_timeline INTEGER
                ) WITHOUT ROWID;

                -- What the national node matches cross-border duplicates on.
                ALTER TABLE report ADD COLUMN lat REAL;
                ALTER TABLE report ADD COLUMN lon REAL;
                ALTER TABLE report ADD COLUMN duplicate_of TEXT;
                CREATE INDEX report_by_category_created ON report (category, created_at);

                -- Category catalogue versions the national role published, as read from the hub (version 1 is built in).
                CREATE TABLE catalogue (
                    version INTEGER PRIMARY KEY,
                    json TEXT NOT NULL
                );

                -- Garrisons' rollout phases as last read from the hub: pilot garrisons stay out of public figures.
                CREATE TABLE garrison_phase (
                    garrison TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    wave INTEGER NOT NULL,
                    phase TEXT NOT NULL,
                    read_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3") { db in
            // National statistics from pre-aggregated cells (StatisticsCells), kept by every write of a report
            // row; the reports already stored are counted in here.
            try db.execute(sql: StatisticsCells.schema)
            try StatisticsCells.backfill(db)
        }
        migrator.registerMigration("refused_pulls") { db in
            // Pulled changes this replica refused (DESIGN §6: a node does not trust the hub blindly): kept whole,
            // with the reason, for the operator; the cursor moves past them so the feed never stalls.
            try db.execute(
                sql: """
                    CREATE TABLE refused_pull (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        feed TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        report_id TEXT NOT NULL,
                        code TEXT NOT NULL,
                        message TEXT NOT NULL,
                        change TEXT NOT NULL,
                        refused_at INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v4") { db in
            // Queued changes the hub kept refusing on their own (the sync machine's `.setAside`), moved out of the
            // queue so the rest drains behind them. Kept with the hub's reason until an operator retries or drops
            // them (`garrison node queue`); nothing else ever deletes a row here.
            try db.execute(sql: """
                CREATE TABLE set_aside (
                    seq INTEGER PRIMARY KEY,
                    report_id TEXT NOT NULL,
                    queued_at INTEGER NOT NULL,
                    change TEXT NOT NULL,
                    code TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    http_status INTEGER NOT NULL,
                    attempts INTEGER NOT NULL,
                    set_aside_at INTEGER NOT NULL
                );

                -- What happened to queued changes outside the normal flow, oldest first: set aside by the sync
                -- worker, put back in the queue or dropped by an operator (who, when, the change as it was).
                CREATE TABLE queue_audit (
                    id INTEGER PRIMARY KEY,
                    at INTEGER NOT NULL,
                    action TEXT NOT NULL CHECK (action IN ('set_aside', 'retry', 'drop')),
                    seq INTEGER NOT NULL,
                    new_seq INTEGER,
                    report_id TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    change TEXT
                );
                CREATE INDEX queue_audit_by_seq ON queue_audit (seq);
                """)
        }
        migrator.registerMigration("idempotency_keys") { db in
            try db.execute(sql: """
                -- The units' Idempotency-Keys (a day's worth, by the token that sent them): a retried write is
                -- answered from the one it made.
                CREATE TABLE idempotency_keys (
                    client TEXT NOT NULL,
                    key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    report_id TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (client, key)
                );
                CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
                """)
        }
        migrator.registerMigration("cursor_marks") { db in
            try db.execute(sql: """
                -- When the hub committed the feed entry at each cursor: what tells a failover of the hub's database
                -- from a restore of an older backup, both of which move it to a new timeline (DESIGN §4).
                ALTER TABLE sync_state ADD COLUMN cursor_mark INTEGER;
                ALTER TABLE feed_cursor ADD COLUMN cursor_mark INTEGER;
                """)
        }
        return migrator
    }
}
