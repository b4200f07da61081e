namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The SQLite schema. Timestamps are UTC ticks (100 ns), levels MEL numbers (0..5). The id is the rowid,
/// so every index on (x, ts) also orders by (ts, id): the keyset order of <c>GET /api/events</c>.
/// </summary>
internal static class SqliteSchema
{
    public const int Version = 1;

    public const string Create = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS events (
            id          INTEGER PRIMARY KEY,
            ts          INTEGER NOT NULL,
            level       INTEGER NOT NULL,
            category    TEXT,
            message     TEXT NOT NULL,
            template    TEXT,
            exception   TEXT,
            properties  TEXT,
            context     TEXT,
            app         TEXT,
            version     TEXT,
            user        TEXT,
            machine     TEXT,
            path        TEXT,
            instance_id TEXT,
            sequence    INTEGER,
            received    INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_events_ts ON events (ts);
        CREATE INDEX IF NOT EXISTS ix_events_user_ts ON events (user, ts);
        CREATE INDEX IF NOT EXISTS ix_events_app_ts ON events (app, ts);
        CREATE INDEX IF NOT EXISTS ix_events_machine_ts ON events (machine, ts);
        CREATE INDEX IF NOT EXISTS ix_events_path_ts ON events (path, ts);
        -- Exactly-once per event (issue 3, next issue): INSERT OR IGNORE skips a known (instance, sequence).
        CREATE UNIQUE INDEX IF NOT EXISTS ux_events_instance_sequence ON events (instance_id, sequence)
            WHERE instance_id IS NOT NULL AND sequence IS NOT NULL;

        CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5 (message, content = 'events', content_rowid = 'id');
        CREATE TRIGGER IF NOT EXISTS events_fts_insert AFTER INSERT ON events BEGIN
            INSERT INTO events_fts (rowid, message) VALUES (new.id, new.message);
        END;
        CREATE TRIGGER IF NOT EXISTS events_fts_delete AFTER DELETE ON events BEGIN
            INSERT INTO events_fts (events_fts, rowid, message) VALUES ('delete', old.id, old.message);
        END;

        -- A retried batch (same Idempotency-Key / batchId) is stored once.
        CREATE TABLE IF NOT EXISTS batches (
            batch_key TEXT PRIMARY KEY,
            accepted  INTEGER NOT NULL,
            received  INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- Who has logged, maintained in the same transaction as the events (GET /api/users).
        CREATE TABLE IF NOT EXISTS users (
            user         TEXT PRIMARY KEY,
            first_seen   INTEGER NOT NULL,
            last_seen    INTEGER NOT NULL,
            last_app     TEXT,
            last_machine TEXT,
            total        INTEGER NOT NULL,
            n0 INTEGER NOT NULL, n1 INTEGER NOT NULL, n2 INTEGER NOT NULL,
            n3 INTEGER NOT NULL, n4 INTEGER NOT NULL, n5 INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_users_last_seen ON users (last_seen);

        PRAGMA user_version = 1;
        """;

    public const string InsertEvent = """
        INSERT OR IGNORE INTO events
            (ts, level, category, message, template, exception, properties, context,
             app, version, user, machine, path, instance_id, sequence, received)
        VALUES
            ($ts, $level, $category, $message, $template, $exception, $properties, $context,
             $app, $version, $user, $machine, $path, $instance_id, $sequence, $received)
        """;

    public const string FindBatch = "SELECT accepted FROM batches WHERE batch_key = $key";

    public const string InsertBatch = "INSERT INTO batches (batch_key, accepted, received) VALUES ($key, $accepted, $received)";

    public const string UpsertUser = """
        INSERT INTO users (user, first_seen, last_seen, last_app, last_machine, total, n0, n1, n2, n3, n4, n5)
        VALUES ($user, $first, $last, $app, $machine, $total, $n0, $n1, $n2, $n3, $n4, $n5)
        ON CONFLICT (user) DO UPDATE SET
            first_seen   = min(first_seen, excluded.first_seen),
            last_app     = CASE WHEN excluded.last_seen >= last_seen THEN excluded.last_app ELSE last_app END,
            last_machine = CASE WHEN excluded.last_seen >= last_seen THEN excluded.last_machine ELSE last_machine END,
            last_seen    = max(last_seen, excluded.last_seen),
            total = total + excluded.total,
            n0 = n0 + excluded.n0, n1 = n1 + excluded.n1, n2 = n2 + excluded.n2,
            n3 = n3 + excluded.n3, n4 = n4 + excluded.n4, n5 = n5 + excluded.n5
        """;

    public const string SelectColumns =
        "id, ts, level, category, message, template, exception, properties, context, app, version, user, machine, path, instance_id, sequence";
}
