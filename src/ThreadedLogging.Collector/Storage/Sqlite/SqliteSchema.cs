namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The SQLite schema. Timestamps are UTC ticks (100 ns), levels MEL numbers (0..5). The id is the rowid
/// and sorts like the timestamp (<see cref="SqliteEventIds"/>), so every index on x is ordered by
/// (x, id): the keyset order of <c>GET /api/events</c> without a timestamp column in the index.
/// </summary>
internal static class SqliteSchema
{
    public const int Version = 4;

    /// <summary>
    /// The page size of a new database (an existing one keeps its own: changing it would take a VACUUM). 16 KiB
    /// instead of SQLite's 4 KiB: the writer's commits append a quarter as many WAL frames (two system calls each)
    /// and its index B-trees are a level shallower; writer thread 8.3–10.8 → 6.8–8.0 µs per event
    /// (bench/DELIVERY.md, issue 14).
    /// </summary>
    public const int PageSize = 16384;

    public const string Create = """
        -- Takes effect only while the file is empty (SqliteSchema.PageSize).
        PRAGMA page_size = 16384;
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
        -- Version 4 (issue 10): the user filter is case-insensitive (ASCII), so its index is NOCASE.
        DROP INDEX IF EXISTS ix_events_user;
        CREATE INDEX IF NOT EXISTS ix_events_user_nocase ON events (user COLLATE NOCASE);
        CREATE INDEX IF NOT EXISTS ix_events_app ON events (app);
        CREATE INDEX IF NOT EXISTS ix_events_machine ON events (machine);
        CREATE INDEX IF NOT EXISTS ix_events_path ON events (path);
        -- Exactly-once per event (issue 3, next issue): the insert's ON CONFLICT skips a known (instance, sequence).
        CREATE UNIQUE INDEX IF NOT EXISTS ux_events_instance_sequence ON events (instance_id, sequence)
            WHERE instance_id IS NOT NULL AND sequence IS NOT NULL;

        -- Full text lives in its own file since version 2 (SqliteFtsIndexer): drop version 1's index.
        DROP TRIGGER IF EXISTS events_fts_insert;
        DROP TRIGGER IF EXISTS events_fts_delete;
        DROP TABLE IF EXISTS events_fts_vocab;
        DROP TABLE IF EXISTS events_fts;

        -- Messages committed here but maybe not yet in the full-text file: one row per group commit
        -- (ids packed little-endian, 8 bytes each), deleted once the indexer has committed that group.
        CREATE TABLE IF NOT EXISTS fts_queue (
            seq INTEGER PRIMARY KEY,
            ids BLOB NOT NULL
        );

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
            n3 INTEGER NOT NULL, n4 INTEGER NOT NULL, n5 INTEGER NOT NULL,
            last_error_id INTEGER,
            last_error_ts INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_users_last_seen ON users (last_seen);
        CREATE INDEX IF NOT EXISTS ix_users_last_error ON users (coalesce(last_error_ts, -1));
        CREATE INDEX IF NOT EXISTS ix_users_user_nocase ON users (user COLLATE NOCASE);

        -- Retention (SqliteRetention): every event id below purged_below has been removed; the full-text
        -- file catches up to this mark.
        CREATE TABLE IF NOT EXISTS retention_state (
            id INTEGER PRIMARY KEY CHECK (id = 0),
            purged_below INTEGER NOT NULL
        );

        -- Version 3 (issue 15 §5): how far (ms) ids of a full millisecond were taken from later ones.
        CREATE TABLE IF NOT EXISTS id_spill (
            id           INTEGER PRIMARY KEY CHECK (id = 1),
            milliseconds INTEGER NOT NULL
        );

        PRAGMA user_version = 4;
        """;

    public const string InsertEvent = """
        INSERT INTO events
            (id, ts, level, category, message, template, exception, properties, context,
             app, version, user, machine, path, instance_id, sequence, received)
        VALUES
            ($id, $ts, $level, $category, $message, $template, $exception, $properties, $context,
             $app, $version, $user, $machine, $path, $instance_id, $sequence, $received)
        ON CONFLICT (instance_id, sequence) WHERE instance_id IS NOT NULL AND sequence IS NOT NULL DO NOTHING
        """;

    public const string InsertFtsQueue = "INSERT INTO fts_queue (seq, ids) VALUES ($seq, $ids)";

    public const string DeleteFtsQueue = "DELETE FROM fts_queue WHERE seq <= $seq";

    public const string TermDocuments = "SELECT doc FROM fts.events_fts_vocab WHERE term = $term";

    public const string FindBatch = "SELECT accepted FROM batches WHERE batch_key = $key";

    public const string InsertBatch = "INSERT INTO batches (batch_key, accepted, received) VALUES ($key, $accepted, $received)";

    public const string UpsertUser = """
        INSERT INTO users (user, first_seen, last_seen, last_app, last_machine, total, n0, n1, n2, n3, n4, n5, last_error_id, last_error_ts)
        VALUES ($user, $first, $last, $app, $machine, $total, $n0, $n1, $n2, $n3, $n4, $n5, $error_id, $error_ts)
        ON CONFLICT (user) DO UPDATE SET
            last_error_id = CASE WHEN excluded.last_error_ts >= coalesce(last_error_ts, -1) THEN excluded.last_error_id ELSE last_error_id END,
            last_error_ts = CASE WHEN excluded.last_error_ts >= coalesce(last_error_ts, -1) THEN excluded.last_error_ts ELSE last_error_ts END,
            first_seen   = min(first_seen, excluded.first_seen),
            last_app     = CASE WHEN excluded.last_seen >= last_seen THEN excluded.last_app ELSE last_app END,
            last_machine = CASE WHEN excluded.last_seen >= last_seen THEN excluded.last_machine ELSE last_machine END,
            last_seen    = max(last_seen, excluded.last_seen),
            total = total + excluded.total,
            n0 = n0 + excluded.n0, n1 = n1 + excluded.n1, n2 = n2 + excluded.n2,
            n3 = n3 + excluded.n3, n4 = n4 + excluded.n4, n5 = n5 + excluded.n5
        """;

    public const string SelectColumns =
        "e.id, e.ts, e.level, e.category, e.message, e.template, e.exception, e.properties, e.context, e.app, e.version, e.user, e.machine, e.path, e.instance_id, e.sequence";

    /// <summary>
    /// Version 3 → 4 (issue 10), run before <see cref="Create"/> when <c>users</c> lacks the latest-error columns.
    /// The backfill (<see cref="BackfillLatestErrors"/>) runs after <see cref="Create"/> made the NOCASE index.
    /// </summary>
    public const string AddLatestErrorColumns = """
        ALTER TABLE users ADD COLUMN last_error_id INTEGER;
        ALTER TABLE users ADD COLUMN last_error_ts INTEGER;
        """;

    public const string BackfillLatestErrors = """
        UPDATE users SET (last_error_id, last_error_ts) = (
            SELECT e.id, e.ts FROM events e
            WHERE e.user = users.user COLLATE NOCASE AND e.user = users.user AND e.level >= 4
            ORDER BY e.ts DESC, e.id DESC LIMIT 1)
        WHERE users.user <> '';
        UPDATE users SET (last_error_id, last_error_ts) = (
            SELECT e.id, e.ts FROM events e WHERE e.user IS NULL AND e.level >= 4
            ORDER BY e.ts DESC, e.id DESC LIMIT 1)
        WHERE users.user = '';
        """;

    public const string LastCounter = "SELECT max(id) FROM events";

    /// <summary>The largest id below $end: with $end the end of a millisecond, the last id taken in it (if at or after its start).</summary>
    public const string LastIdBelow = "SELECT max(id) FROM events WHERE id < $end";

    public const string SelectSpill = "SELECT coalesce(max(milliseconds), 0) FROM id_spill";

    public const string UpsertSpill = """
        INSERT INTO id_spill (id, milliseconds) VALUES (1, $ms)
        ON CONFLICT (id) DO UPDATE SET milliseconds = max(milliseconds, excluded.milliseconds)
        """;
}
