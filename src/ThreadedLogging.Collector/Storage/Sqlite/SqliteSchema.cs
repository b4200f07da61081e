namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// The SQLite schema. Timestamps are UTC ticks (100 ns), levels MEL numbers (0..5). The id is the rowid
/// and sorts like the timestamp (<see cref="SqliteEventIds"/>), so every index on x is ordered by
/// (x, id): the keyset order of <c>GET /api/events</c> without a timestamp column in the index.
/// </summary>
internal static class SqliteSchema
{
    public const int Version = 11;

    /// <summary>
    /// The page size of a new database (an existing one keeps its own: changing it would take a VACUUM). 16 KiB
    /// instead of SQLite's 4 KiB: the writer's commits append a quarter as many WAL frames (two system calls each)
    /// and its index B-trees are a level shallower; writer thread 8.3–10.8 → 6.8–8.0 µs per event
    /// (bench/DELIVERY.md, issue 14).
    /// </summary>
    public const int PageSize = 16384;

    /// <summary>
    /// Version 5: the repeated text of an event (app, version, user, machine, path, instance id) is stored once in a
    /// table of names each, and the event holds its integer key (<see cref="SqliteNameKeys"/> keeps the writer's
    /// keys in memory). The indexes hold integers instead of text: cheaper to compare (the user's NOCASE key was a
    /// collation call per step of every seek), smaller rows and pages. Keys are never given to another name: the
    /// largest key of a table is never deleted (SQLite gives a new row the largest + 1). Since version 11, a user, machine,
    /// path, category or template goes with the last event that had it, when retention or an erasure deletes that event
    /// (<see cref="SqliteNamePrune"/>); apps and versions stay (one per app and release). A client instance (version 6)
    /// goes by its own mark: one per process start, so that table grows with time, not with the fleet. <c>instances.last_id</c> is at least the id of every event
    /// with that key (<see cref="SqliteInstanceKeys"/> raises it in the writer's transaction), and retention deletes
    /// the instances whose last_id is below its mark (<see cref="SqliteRetention"/>).
    /// </summary>
    public const string CreateNames = """
        CREATE TABLE IF NOT EXISTS apps       (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE IF NOT EXISTS versions   (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE IF NOT EXISTS user_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE IF NOT EXISTS machines   (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE IF NOT EXISTS paths      (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE IF NOT EXISTS instances  (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, last_id INTEGER NOT NULL DEFAULT 0);
        -- Version 9: an event's category, and its template when it differs from its message (SqliteEventRows.Bind).
        CREATE TABLE IF NOT EXISTS categories (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE IF NOT EXISTS templates  (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        -- The user filter is case-insensitive (ASCII, issue 10): its names are found through a NOCASE index.
        CREATE INDEX IF NOT EXISTS ix_user_names_nocase ON user_names (name COLLATE NOCASE);
        """;

    /// <summary>
    /// Version 11: whether any event is left with a template or a category, asked by retention and erasure for each key of
    /// the events they delete (<see cref="SqliteNamePrune"/>): one seek each, where there was a scan of every event.
    /// </summary>
    public const string CreateNameKeyIndexes = """
        CREATE INDEX IF NOT EXISTS ix_events_template_key ON events (template_key);
        CREATE INDEX IF NOT EXISTS ix_events_category_key ON events (category_key);
        """;

    /// <summary>The columns of <c>events</c>: small ones first (a row's header and keys are read without its texts).</summary>
    public const string EventColumns = """
            id           INTEGER PRIMARY KEY,
            ts           INTEGER NOT NULL,
            level        INTEGER NOT NULL,
            app_key      INTEGER, -- apps.id
            version_key  INTEGER, -- versions.id
            user_key     INTEGER, -- user_names.id
            machine_key  INTEGER, -- machines.id
            path_key     INTEGER, -- paths.id
            instance_key INTEGER, -- instances.id
            sequence     INTEGER,
            received     INTEGER NOT NULL,
            category     TEXT, -- rows before version 9 (later: category_key)
            message      TEXT NOT NULL,
            template     TEXT, -- rows before version 9 (later: template_key)
            exception    TEXT,
            properties   TEXT,
            context      TEXT,
            -- Version 7: the context's W3C trace id in lower case (TraceIds).
            trace_id     TEXT,
            -- Version 9 (SqliteEventRows.Bind): categories.id; templates.id, or 0 for a template that is the message
            -- itself. Last, as ALTER TABLE adds them to an older file. No comment after the last column: the text that
            -- follows these lines closes the table on the same line.
            category_key INTEGER,
            template_key INTEGER
        """;

    public const string Create = """
        -- Takes effect only while the file is empty (SqliteSchema.PageSize).
        PRAGMA page_size = 16384;
        PRAGMA journal_mode = WAL;
        """ + CreateNames + """
        CREATE TABLE IF NOT EXISTS events (
        """ + EventColumns + """
        );
        -- Version 10: a user's events in id order (user_key, id: the list's keyset order), with what the histogram, the
        -- top values and the users page count, so a user's counts read this index alone, never a row (a user with 74,290
        -- of 2,000,000 events: 304 -> 28 ms for the histogram, bench/README.md). It replaces ix_events_user_key
        -- (user_key alone), which every count turned into a row lookup per event; built at the first start of version 10.
        CREATE INDEX IF NOT EXISTS ix_events_user ON events (user_key, id, ts, level, app_key, version_key, machine_key, template_key);
        DROP INDEX IF EXISTS ix_events_user_key;
        CREATE INDEX IF NOT EXISTS ix_events_app_key ON events (app_key);
        CREATE INDEX IF NOT EXISTS ix_events_machine_key ON events (machine_key);
        CREATE INDEX IF NOT EXISTS ix_events_path_key ON events (path_key);
        """ + CreateNameKeyIndexes + """
        -- Version 7: all events of a trace (the traceId filter), in id order; most events have none.
        CREATE INDEX IF NOT EXISTS ix_events_trace_id ON events (trace_id) WHERE trace_id IS NOT NULL;
        -- Exactly-once per event (issue 3, next issue): the insert's ON CONFLICT skips a known (instance, sequence).
        CREATE UNIQUE INDEX IF NOT EXISTS ux_events_instance_key_sequence ON events (instance_key, sequence)
            WHERE instance_key IS NOT NULL AND sequence IS NOT NULL;

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
        -- Retention finds the old keys through it, a chunk at a time (SqliteRetention): without it, one DELETE read
        -- the whole table (a row per request) while it held the write lock, and ingest waited that long.
        CREATE INDEX IF NOT EXISTS ix_batches_received ON batches (received);

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

        -- Erasure of a user (SqliteUserErasure): ids of events deleted here whose full-text entries may not be deleted yet,
        -- added in the events' transaction and removed once the full-text file's are; the next open deletes what is left.
        -- No version of its own: an older collector ignores the table.
        CREATE TABLE IF NOT EXISTS fts_erase (id INTEGER PRIMARY KEY);

        -- Version 3 (issue 15 §5): how far (ms) ids of a full millisecond were taken from later ones.
        CREATE TABLE IF NOT EXISTS id_spill (
            id           INTEGER PRIMARY KEY CHECK (id = 1),
            milliseconds INTEGER NOT NULL
        );

        PRAGMA user_version = 11;
        """;

    /// <summary>
    /// The columns of a row in <see cref="InsertEvents"/>: parameter <c>?n</c> of the insert is column (n - 1) % 20 of
    /// row (n - 1) / 20, columns in the order of <see cref="EventColumns"/> (<see cref="SqliteEventRows"/> binds them by number).
    /// One row: a known (instance, sequence) is skipped, a taken id fails the statement (and is retried with another).
    /// More rows: <c>OR IGNORE</c>, so that no row can fail the statement, and SQLite keeps no statement journal (a
    /// statement that can fail midway copies every page it changes first: with events of many clients, a page of
    /// each index for every row); <see cref="SqliteEventRows"/> runs it only with ids known to be free.
    /// </summary>
    public const int InsertColumns = 20;

    /// <summary>The insert of <paramref name="rows"/> events (see <see cref="InsertColumns"/>).</summary>
    public static string InsertEvents(int rows)
    {
        var sql = new System.Text.StringBuilder(rows == 1 ? "INSERT INTO events" : "INSERT OR IGNORE INTO events").Append("""

                (id, ts, level, app_key, version_key, user_key, machine_key, path_key, instance_key, sequence, received,
                 category, message, template, exception, properties, context, trace_id, category_key, template_key)
            VALUES
            """);
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "\n(" : ",\n(");
            for (var column = 1; column <= InsertColumns; column++)
            {
                sql.Append(column == 1 ? "?" : ", ?").Append((row * InsertColumns) + column);
            }

            sql.Append(')');
        }

        return rows == 1
            ? sql.Append("\nON CONFLICT (instance_key, sequence) WHERE instance_key IS NOT NULL AND sequence IS NOT NULL DO NOTHING").ToString()
            : sql.ToString();
    }

    /// <summary>How many of <paramref name="ids"/> ids (parameters <c>?1</c> to <c>?n</c>) are taken.</summary>
    public static string CountTakenIds(int ids) =>
        "SELECT count(*) FROM events WHERE id IN (" + string.Join(", ", Enumerable.Range(1, ids).Select(i => "?" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")";

    /// <summary>
    /// Raises <c>last_id</c> of instance <c>?1</c> to id <c>?2</c> and to retention's mark (an event stored below the mark,
    /// its timestamp older than the events retention deleted last, still keeps its instance); changes no row when
    /// retention deleted the instance (<see cref="SqliteInstanceKeys"/>).
    /// </summary>
    public const string RaiseInstanceLastId = """
        UPDATE instances SET last_id = max(last_id, ?2, coalesce((SELECT purged_below FROM retention_state WHERE id = 0), 0))
        WHERE id = ?1
        """;

    public const string InsertFtsQueue = "INSERT INTO fts_queue (seq, ids) VALUES ($seq, $ids)";

    public const string DeleteFtsQueue = "DELETE FROM fts_queue WHERE seq <= $seq";

    public const string TermDocuments = "SELECT doc FROM fts.events_fts_vocab WHERE term = $term";

    /// <summary>Deletes up to <c>$chunk</c> idempotency keys received before <c>$ticks</c>, found through <c>ix_batches_received</c>.</summary>
    public const string DeleteOldBatchKeys = "DELETE FROM batches WHERE batch_key IN (SELECT batch_key FROM batches WHERE received < $ticks ORDER BY received LIMIT $chunk)";

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

    /// <summary>
    /// An event's columns in <see cref="StoredRows.ReadEvent"/>'s order, with the keys of its names (in
    /// <see cref="SqliteNameCache.Tables"/>' order) where the names go: <see cref="RawEventReader"/> turns them into names.
    /// </summary>
    public const string SelectColumns =
        "e.id, e.ts, e.level, e.category, e.message, e.template, e.exception, e.properties, e.context, "
        + "e.app_key, e.version_key, e.user_key, e.machine_key, e.path_key, e.instance_key, e.category_key, e.template_key, e.sequence";

    public const string LastCounter = "SELECT max(id) FROM events";

    /// <summary>The largest id below $end: with $end the end of a millisecond, the last id taken in it (if at or after its start).</summary>
    public const string LastIdBelow = "SELECT max(id) FROM events WHERE id < $end";

    public const string SelectSpill = "SELECT coalesce(max(milliseconds), 0) FROM id_spill";

    public const string UpsertSpill = """
        INSERT INTO id_spill (id, milliseconds) VALUES (1, $ms)
        ON CONFLICT (id) DO UPDATE SET milliseconds = max(milliseconds, excluded.milliseconds)
        """;
}
