-- The SQLite schema of version 5 (SqliteSchema.Create of main at 7f1f595, before instances.last_id): the tests build
-- a version 5 database from it and check that a start upgrades it (SchemaUpgradeTests).
-- Takes effect only while the file is empty (SqliteSchema.PageSize).
PRAGMA page_size = 16384;
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS apps       (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS versions   (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS user_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS machines   (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS paths      (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS instances  (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
-- The user filter is case-insensitive (ASCII, issue 10): its names are found through a NOCASE index.
CREATE INDEX IF NOT EXISTS ix_user_names_nocase ON user_names (name COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS events (
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
    category     TEXT,
    message      TEXT NOT NULL,
    template     TEXT,
    exception    TEXT,
    properties   TEXT,
    context      TEXT
);
CREATE INDEX IF NOT EXISTS ix_events_user_key ON events (user_key);
CREATE INDEX IF NOT EXISTS ix_events_app_key ON events (app_key);
CREATE INDEX IF NOT EXISTS ix_events_machine_key ON events (machine_key);
CREATE INDEX IF NOT EXISTS ix_events_path_key ON events (path_key);
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

PRAGMA user_version = 5;
