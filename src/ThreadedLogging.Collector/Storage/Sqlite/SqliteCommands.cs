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

    /// <summary>The WAL bytes after which SQLite's automatic checkpoint runs in a store without a size cap (see <see cref="CheckpointEvery"/>).</summary>
    public const long CheckpointWalBytes = 128L * 1024 * 1024;

    /// <summary>The fewest WAL bytes between two checkpoints (<see cref="WalBytesFor"/>): below, checkpoints would run every few pages.</summary>
    public const long MinWalBytes = 64 * 1024;

    /// <summary>
    /// The WAL bytes of each of the store's two files (each has a WAL of its own) between two checkpoints: an eighth of
    /// <paramref name="maxBytes"/> (<c>Retention:MaxBytes</c>), so that together they stay within a quarter of the cap (on
    /// a 64 MB disk with a 20 MB cap, checkpoints every 128 MiB let <c>collector.db-wal</c> fill the disk, 63 MB, while
    /// <c>collector.db</c> held 16 KB); and a quarter of <paramref name="reserveBytes"/> (<c>Retention:MinFreeBytes</c> in
    /// force; 0: none), so that both stay within the half of the reserve that writes leave to retention's deletes (review13:
    /// a 48 MB disk, a 480 KB reserve and 128 MiB WALs: the disk filled to 0 bytes). Between
    /// <see cref="MinWalBytes"/> and <see cref="CheckpointWalBytes"/>.
    /// </summary>
    public static long WalBytesFor(long? maxBytes, long reserveBytes)
    {
        var bytes = CheckpointWalBytes;
        if (maxBytes is { } cap)
        {
            bytes = Math.Min(bytes, cap / 8);
        }

        if (reserveBytes > 0)
        {
            bytes = Math.Min(bytes, reserveBytes / 4);
        }

        return Math.Max(MinWalBytes, bytes);
    }

    /// <summary>
    /// Makes SQLite's automatic checkpoint run every <paramref name="walBytes"/> of WAL and cut the WAL file back to that
    /// size when it starts over (<c>journal_size_limit</c>; the file otherwise keeps the largest size it ever had).
    /// <c>wal_autocheckpoint</c> counts pages, and a new events file has 16 KiB pages (an older one, or the full-text
    /// file, 4 KiB): a fixed page count would let a new file's WAL grow four times as far before it restarts.
    /// </summary>
    /// <remarks>
    /// The checkpoint runs after the commit that took the WAL past its mark, so the WAL reaches the mark plus that commit.
    /// A writer whose transactions stay under <paramref name="largestCommitBytes"/> (the full-text indexer's) checkpoints
    /// that much earlier, and its WAL stays within <paramref name="walBytes"/> (while no reader holds it, which no
    /// checkpoint can help). Returns the file's page size.
    /// </remarks>
    public static long CheckpointEvery(SqliteConnection connection, long walBytes = CheckpointWalBytes, long largestCommitBytes = 0)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size";
        var pageSize = Math.Max(512, Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
        command.CommandText = $"PRAGMA wal_autocheckpoint = {Math.Max(1, (walBytes - largestCommitBytes) / pageSize)}; PRAGMA journal_size_limit = {walBytes};";
        command.ExecuteNonQuery();
        return pageSize;
    }

    /// <summary>
    /// A read-write connection of its own to an existing file, beside the writer's (retention, erasure): unpooled, so that
    /// nothing holds the file once it is disposed, and waiting up to 30 s for another connection's lock. Its deletes
    /// checkpoint every <paramref name="walBytes"/> of WAL, as the writers' do: SQLite's default, 1000 pages, let a
    /// retention run's chunks grow the events' WAL (16 KiB pages) to 16 MiB, past the budget of a small disk's reserve.
    /// </summary>
    public static SqliteConnection OpenReadWrite(string path, long walBytes)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        try
        {
            CheckpointEvery(connection, walBytes);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return connection;
    }
}
