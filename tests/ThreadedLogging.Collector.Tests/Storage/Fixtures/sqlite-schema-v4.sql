-- The SQLite schema of version 4 (SqliteSchema.Create of main at c3d0291, before integer keys): the tests build
-- an old database from it and check that a start converts it (SchemaUpgradeTests).
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
