using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// One erasure of a user's data from both SQLite files (<see cref="SqliteEventStore.EraseUserAsync"/> runs it), on
/// connections of its own with <c>secure_delete</c> on, so the deleted texts are overwritten, not left in free pages.
/// </summary>
/// <remarks>
/// Crash safety, as <see cref="SqliteRetention"/>'s: each chunk's events are deleted in one transaction of the main file
/// that also adds their ids to <c>fts_erase</c>; the same ids are then deleted from the full-text file, and only then from
/// <c>fts_erase</c>. A stop between leaves index entries without events (never shown: full-text queries join the events);
/// the next open, or the next erasure, deletes them (<see cref="PurgePending"/>). The last chunk (fewer events than asked)
/// also deletes the user's <c>users</c> rows and the names no event refers to any more (<see cref="SqliteNamePrune"/>): the
/// user's, and the machines, paths, categories and templates of the erased events (<c>/log/alice</c>, a template
/// "Login failed for alice@example.com"). The largest key of a table is never deleted (SQLite would give it to the next
/// new name, and a reader may hold the old name under it): its name is overwritten instead.
/// </remarks>
internal sealed class SqliteUserErasure : IDisposable
{
    private const string UserKeys = "SELECT id FROM user_names WHERE name = $user COLLATE NOCASE";

    private readonly SqliteConnection _main;
    private readonly SqliteConnection _fts;
    private readonly SqliteNamePrune _names = new();

    /// <param name="databasePath">The events' file.</param>
    /// <param name="fullTextPath">The full-text index's file.</param>
    /// <param name="walBytes">The WAL bytes after which its deletes checkpoint (<see cref="SqliteCommands.WalBytesFor"/>).</param>
    public SqliteUserErasure(string databasePath, string fullTextPath, long walBytes)
    {
        _main = Open(databasePath, walBytes);
        try
        {
            _fts = Open(fullTextPath, walBytes);
        }
        catch
        {
            _main.Dispose();
            throw;
        }
    }

    /// <summary>Deletes from the full-text file every entry <c>fts_erase</c> names, then those rows; returns how many.</summary>
    public int PurgePending()
    {
        var ids = new List<long>();
        using (var read = _main.CreateCommand())
        {
            read.CommandText = "SELECT id FROM fts_erase";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        if (ids.Count == 0)
        {
            return 0;
        }

        using (var transaction = _fts.BeginTransaction())
        {
            ForEachId(transaction, "DELETE FROM events_fts WHERE rowid = $id", ids);
            transaction.Commit();
        }

        using (var transaction = _main.BeginTransaction())
        {
            ForEachId(transaction, "DELETE FROM fts_erase WHERE id = $id", ids);
            transaction.Commit();
        }

        return ids.Count;
    }

    /// <summary>
    /// Deletes up to <paramref name="limit"/> events of <paramref name="user"/> in one transaction of the main file, their
    /// ids added to <c>fts_erase</c>; when there were fewer, also the user's rows and names (the last chunk).
    /// </summary>
    /// <returns>How many events were deleted, whether this was the last chunk, and the names changed (<see cref="SqliteNameCache.Tables"/>' index, key).</returns>
    public (int Events, bool Last, List<(int Table, long Key)> Names) EraseChunk(string user, int limit)
    {
        using var transaction = _main.BeginTransaction();
        var ids = new List<long>(limit);
        using (var find = Command(transaction, $"SELECT id, {SqliteNamePrune.KeyColumns} FROM events WHERE user_key IN ({UserKeys}) LIMIT $limit", ("$user", user), ("$limit", limit)))
        using (var reader = find.ExecuteReader())
        {
            while (reader.Read())
            {
                ids.Add(reader.GetInt64(0));
                _names.Add(reader, 1);
            }
        }

        ForEachId(transaction, "DELETE FROM events WHERE id = $id", ids);
        ForEachId(transaction, "INSERT OR IGNORE INTO fts_erase (id) VALUES ($id)", ids);
        List<(int Table, long Key)> names = [];
        var last = ids.Count < limit;
        if (last)
        {
            using (var users = Command(transaction, "DELETE FROM users WHERE user = $user COLLATE NOCASE", ("$user", user)))
            {
                users.ExecuteNonQuery();
            }

            var userKeys = new List<long>();
            using (var keys = Command(transaction, UserKeys, ("$user", user)))
            using (var reader = keys.ExecuteReader())
            {
                while (reader.Read())
                {
                    userKeys.Add(reader.GetInt64(0));
                }
            }

            _names.AddUserKeys(userKeys);
            names = _names.Drop(transaction, overwriteLargest: true);
        }

        transaction.Commit();
        return (ids.Count, last, names);
    }

    /// <summary>
    /// Empties both files' WALs (<c>wal_checkpoint(TRUNCATE)</c>), run when an erasure ends: a checkpoint only rewinds a WAL,
    /// so the erased texts' frames stayed in <c>collector.db-wal</c> until later writes overwrote them (a reviewer found an
    /// erased token 33 times there after a checkpoint and 3 writes; ~60 writes later it was gone). Returns whether both were
    /// emptied: not while a reader holds an older snapshot (then the frames go at a later checkpoint, as before).
    /// </summary>
    public bool TruncateWal() => Truncate(_main) & Truncate(_fts);

    private static bool Truncate(SqliteConnection connection)
    {
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        try
        {
            return Convert.ToInt64(checkpoint.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0; // its first column: 1 when busy
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED or SQLitePCL.raw.SQLITE_FULL)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _main.Dispose();
        _fts.Dispose();
    }

    private static SqliteCommand Command(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    /// <summary>Runs <paramref name="sql"/> once per id (<c>$id</c>) in <paramref name="transaction"/>.</summary>
    private static void ForEachId(SqliteTransaction transaction, string sql, List<long> ids)
    {
        using var command = Command(transaction, sql);
        var id = command.Parameters.Add("$id", SqliteType.Integer);
        foreach (var value in ids)
        {
            id.Value = value;
            command.ExecuteNonQuery();
        }
    }

    private static SqliteConnection Open(string path, long walBytes)
    {
        var connection = SqliteCommands.OpenReadWrite(path, walBytes);
        using var secure = connection.CreateCommand();
        secure.CommandText = "PRAGMA secure_delete = ON";
        secure.ExecuteNonQuery();
        return connection;
    }
}
