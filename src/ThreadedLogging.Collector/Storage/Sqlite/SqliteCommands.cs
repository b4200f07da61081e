using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>Commands a writer prepares once and reuses for every batch, and the connections of the other writers (retention, erasure).</summary>
internal static class SqliteCommands
{
    /// <summary>A command with its parameters declared, values set per use through <c>Parameters[i]</c>.</summary>
    public static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameterNames)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    /// <summary>The WAL bytes after which SQLite's automatic checkpoint runs (see <see cref="CheckpointEvery"/>).</summary>
    public const long CheckpointWalBytes = 128L * 1024 * 1024;

    /// <summary>
    /// Makes SQLite's automatic checkpoint run every <see cref="CheckpointWalBytes"/> of WAL. <c>wal_autocheckpoint</c>
    /// counts pages, and a new events file has 16 KiB pages (an older one, or the full-text file, 4 KiB): a fixed page
    /// count would let a new file's WAL grow four times as far before it restarts.
    /// </summary>
    public static void CheckpointEvery(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size";
        var pageSize = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        command.CommandText = $"PRAGMA wal_autocheckpoint = {CheckpointWalBytes / Math.Max(512, pageSize)}";
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// A read-write connection of its own to an existing file, beside the writer's (retention, erasure): unpooled, so that
    /// nothing holds the file once it is disposed, and waiting up to 30 s for another connection's lock.
    /// </summary>
    public static SqliteConnection OpenReadWrite(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        return connection;
    }
}
