using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Creates the schema (<see cref="SqliteSchema.Create"/>) or brings an older file to <see cref="SqliteSchema.Version"/>
/// at start, before the writer opens: version 2's users get their latest errors (issue 10), the text columns of
/// versions 1–4 become integer keys (issue 14), and version 5's instances get their <c>last_id</c>, each in a
/// transaction of its own, so a stop in the middle leaves the file as it was and the next start does it again;
/// version 6's events get their <c>trace_id</c> (issue: trace correlation); version 7's events of the empty user name
/// get none (<see cref="NormalizeNoUser"/>); version 8's events get category and template keys (<see cref="AddNameKeys"/>);
/// version 10 gets the indexes of those keys and loses the names no event has (<see cref="SqliteNamePrune"/>).
/// </summary>
internal static class SqliteSchemaUpgrade
{
    /// <summary>Version 3 → 4 (issue 10), run before <see cref="SqliteSchema.Create"/> when <c>users</c> lacks the latest-error columns.</summary>
    public const string AddLatestErrorColumns = """
        ALTER TABLE users ADD COLUMN last_error_id INTEGER;
        ALTER TABLE users ADD COLUMN last_error_ts INTEGER;
        """;

    /// <summary>Fills in the latest-error columns added by <see cref="AddLatestErrorColumns"/>, on the current schema.</summary>
    public const string BackfillLatestErrors = """
        UPDATE users SET (last_error_id, last_error_ts) = (
            SELECT e.id, e.ts FROM events e
            WHERE e.user_key = (SELECT id FROM user_names WHERE name = users.user) AND e.level >= 4
            ORDER BY e.ts DESC, e.id DESC LIMIT 1)
        WHERE users.user <> '';
        UPDATE users SET (last_error_id, last_error_ts) = (
            SELECT e.id, e.ts FROM events e WHERE e.user_key IS NULL AND e.level >= 4
            ORDER BY e.ts DESC, e.id DESC LIMIT 1)
        WHERE users.user = '';
        """;

    /// <summary>
    /// Versions 1–4 → 5: every distinct text becomes a row of its table of names, and <c>events</c> is copied into a
    /// table with the keys (ids kept: the full-text file's rowids stay right), which takes its place; the old table's
    /// indexes go with it (<see cref="SqliteSchema.Create"/> makes the new ones). Version 1 kept its full-text index
    /// here, with triggers on the old table: dropped first.
    /// </summary>
    public const string ConvertToKeys = """
        DROP TRIGGER IF EXISTS events_fts_insert;
        DROP TRIGGER IF EXISTS events_fts_delete;
        DROP TABLE IF EXISTS events_fts_vocab;
        DROP TABLE IF EXISTS events_fts;
        """ + SqliteSchema.CreateNames + """
        INSERT OR IGNORE INTO apps (name) SELECT DISTINCT app FROM events WHERE app IS NOT NULL;
        INSERT OR IGNORE INTO versions (name) SELECT DISTINCT version FROM events WHERE version IS NOT NULL;
        INSERT OR IGNORE INTO user_names (name) SELECT DISTINCT user FROM events WHERE user IS NOT NULL;
        INSERT OR IGNORE INTO machines (name) SELECT DISTINCT machine FROM events WHERE machine IS NOT NULL;
        INSERT OR IGNORE INTO paths (name) SELECT DISTINCT path FROM events WHERE path IS NOT NULL;
        INSERT OR IGNORE INTO instances (name) SELECT DISTINCT instance_id FROM events WHERE instance_id IS NOT NULL;
        DROP TABLE IF EXISTS events_keyed;
        CREATE TABLE events_keyed (
        """ + SqliteSchema.EventColumns + """
        );
        INSERT INTO events_keyed
            (id, ts, level, app_key, version_key, user_key, machine_key, path_key, instance_key, sequence, received,
             category, message, template, exception, properties, context)
        SELECT e.id, e.ts, e.level,
            (SELECT id FROM apps WHERE name = e.app), (SELECT id FROM versions WHERE name = e.version),
            (SELECT id FROM user_names WHERE name = e.user), (SELECT id FROM machines WHERE name = e.machine),
            (SELECT id FROM paths WHERE name = e.path), (SELECT id FROM instances WHERE name = e.instance_id),
            e.sequence, e.received, e.category, e.message, e.template, e.exception, e.properties, e.context
        FROM events e ORDER BY e.id;
        DROP TABLE events;
        ALTER TABLE events_keyed RENAME TO events;
        """ + SetInstanceLastIds;

    /// <summary>
    /// Version 5 → 6: <c>instances</c> gets <c>last_id</c> (<see cref="SqliteSchema.CreateNames"/>), run before
    /// <see cref="SqliteSchema.Create"/> when the column is missing.
    /// </summary>
    public const string AddInstanceLastIds = """
        ALTER TABLE instances ADD COLUMN last_id INTEGER NOT NULL DEFAULT 0;
        """ + SetInstanceLastIds + """
        PRAGMA user_version = 6;
        """;

    /// <summary>
    /// Every instance's <c>last_id</c> becomes the largest event id: at least that of its own events, without a scan of
    /// the events per instance (no index has instance_key first for every event). An old instance is deleted one
    /// retention period later than it could be.
    /// </summary>
    public const string SetInstanceLastIds = "UPDATE instances SET last_id = (SELECT coalesce(max(id), 0) FROM events);\n";

    /// <summary>
    /// Version 6 → 7: <c>events</c> gets <c>trace_id</c> (<see cref="SqliteSchema.EventColumns"/>), run before
    /// <see cref="SqliteSchema.Create"/> (which makes its index) when the column is missing.
    /// </summary>
    public const string AddTraceIds = "ALTER TABLE events ADD COLUMN trace_id TEXT;\n";

    /// <summary>
    /// Fills <c>trace_id</c> from the stored context of the events of an older file, as ingest does
    /// (<see cref="Storage.TraceIds"/>): the top-level <c>traceId</c> when it is 32 hex digits, not all zero, in lower
    /// case. The LIKE skips the parse of a context without one; json_valid (first, in the CASE) keeps a context that
    /// does not parse (there should be none) from failing the upgrade.
    /// </summary>
    public const string BackfillTraceIds = """
        UPDATE events SET trace_id = lower(json_extract(context, '$.traceId'))
        WHERE context LIKE '%"traceId"%' AND CASE WHEN json_valid(context) THEN
            json_type(context, '$.traceId') = 'text'
            AND length(json_extract(context, '$.traceId')) = 32
            AND json_extract(context, '$.traceId') NOT GLOB '*[^0-9a-fA-F]*'
            AND json_extract(context, '$.traceId') GLOB '*[^0]*' ELSE 0 END;
        PRAGMA user_version = 7;
        """;

    /// <summary>
    /// Version 7 → 8: an empty user name is no user (ingest's one form, <see cref="NewEvent.User"/>), so that the events
    /// without one (<c>noUser=true</c>) are one <c>IS NULL</c> range of the user index (ix_events_user since version 10), read newest first and cut at
    /// the limit; with the empty name's key besides, the two ranges' rows were all sorted. The users table already counts
    /// both under <c>''</c>.
    /// </summary>
    public const string NormalizeNoUser = """
        UPDATE events SET user_key = NULL WHERE user_key IN (SELECT id FROM user_names WHERE name = '');
        DELETE FROM user_names WHERE name = '';
        PRAGMA user_version = 8;
        """;

    /// <summary>
    /// Version 8 → 9: <c>events</c> gets the keys of its category and template (<see cref="SqliteSchema.EventColumns"/>;
    /// their tables come with <see cref="SqliteSchema.Create"/>). No row is rewritten: the rows before keep their text,
    /// which the reads and queries take when a row has no key (<see cref="SqliteTemplateKeys"/>).
    /// </summary>
    public const string AddNameKeys = """
        ALTER TABLE events ADD COLUMN category_key INTEGER;
        ALTER TABLE events ADD COLUMN template_key INTEGER;
        """;

    /// <exception cref="CollectorConfigurationException">The file's schema is newer than this collector (exit code 2).</exception>
    public static void CreateOrUpgrade(SqliteConnection connection, ILogger logger)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT count(*) FROM pragma_table_info('users')),
                   (SELECT count(*) FROM pragma_table_info('users') WHERE name = 'last_error_id'),
                   (SELECT count(*) FROM pragma_table_info('events') WHERE name = 'app'),
                   (SELECT count(*) FROM pragma_table_info('instances')),
                   (SELECT count(*) FROM pragma_table_info('instances') WHERE name = 'last_id'),
                   (SELECT count(*) FROM pragma_table_info('events')),
                   (SELECT count(*) FROM pragma_table_info('events') WHERE name = 'trace_id'),
                   (SELECT user_version FROM pragma_user_version),
                   (SELECT count(*) FROM pragma_table_info('events') WHERE name = 'category_key')
            """;
        bool addLatestErrors, convert, addLastIds, addTraceIds, normalizeNoUser, addNameKeys, pruneNames;
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            addLatestErrors = reader.GetInt64(0) > 0 && reader.GetInt64(1) == 0;
            convert = reader.GetInt64(2) > 0;
            addLastIds = reader.GetInt64(3) > 0 && reader.GetInt64(4) == 0;
            addTraceIds = reader.GetInt64(5) > 0 && reader.GetInt64(6) == 0;
            normalizeNoUser = reader.GetInt64(5) > 0 && reader.GetInt64(7) < 8;
            addNameKeys = reader.GetInt64(5) > 0 && reader.GetInt64(8) == 0;
            pruneNames = reader.GetInt64(5) > 0 && reader.GetInt64(7) < 11;
            if (reader.GetInt64(7) > SqliteSchema.Version)
            {
                // Before anything is written: SqliteSchema.Create would set user_version back and serve a schema this
                // build does not know (an older build on a newer folder: a downgrade, or two versions sharing a folder).
                throw new CollectorConfigurationException(
                    $"{connection.DataSource} has schema version {reader.GetInt64(7)}; this collector knows up to {SqliteSchema.Version}. Upgrade the collector (or restore a backup made by this version).");
            }
        }

        if (addLastIds)
        {
            RunInTransaction(command, AddInstanceLastIds);
        }

        if (convert)
        {
            command.CommandText = "SELECT count(*) FROM events";
            CollectorLog.SchemaConverting(logger, (long)command.ExecuteScalar()!);
            RunInTransaction(command, ConvertToKeys);
        }

        if (addTraceIds)
        {
            // The converted table already has the column (its columns are this version's), empty.
            RunInTransaction(command, (convert ? string.Empty : AddTraceIds) + BackfillTraceIds);
        }

        if (addNameKeys && !convert)
        {
            // After trace_id (the columns' order of SqliteSchema.EventColumns); the converted table has them already.
            RunInTransaction(command, AddNameKeys);
        }

        if (normalizeNoUser)
        {
            RunInTransaction(command, NormalizeNoUser);
        }

        if (pruneNames)
        {
            // Version 11's indexes, and the names that retention and erasures left before (SqliteNamePrune), once.
            RunInTransaction(command, SqliteSchema.CreateNames + SqliteSchema.CreateNameKeyIndexes + SqliteNamePrune.DropAllUnused);
        }

        if (addLatestErrors)
        {
            command.CommandText = AddLatestErrorColumns;
            command.ExecuteNonQuery();
        }

        command.CommandText = "SELECT count(*) FROM pragma_table_info('events') WHERE NOT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'ix_events_user')";
        if ((long)command.ExecuteScalar()! > 0)
        {
            // Version 10's covering index over a store of events: minutes for tens of millions, said first, not a silent start.
            command.CommandText = "SELECT count(*) FROM events";
            CollectorLog.UserIndexBuilding(logger, (long)command.ExecuteScalar()!);
        }

        command.CommandText = SqliteSchema.Create;
        command.ExecuteNonQuery();
        if (addLatestErrors)
        {
            command.CommandText = BackfillLatestErrors;
            command.ExecuteNonQuery();
        }
    }

    private static void RunInTransaction(SqliteCommand command, string sql)
    {
        using var transaction = command.Connection!.BeginTransaction();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
        transaction.Commit();
        command.Transaction = null;
    }
}
