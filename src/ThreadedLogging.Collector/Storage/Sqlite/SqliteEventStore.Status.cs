using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>The store's status (<see cref="IStoreStatus"/>): its files' sizes, the data folder's free space, the index's lag.</summary>
internal sealed partial class SqliteEventStore : IStoreStatus
{
    private static readonly string[] FileSuffixes = ["", "-wal", "-shm"];

    /// <summary>Gets the free space of the data folder's filesystem (tests replace it: nothing real fills a disk on demand).</summary>
    internal DataFolderSpace Space { get; init; } = new();

    public StoreStatus Read()
    {
        var fts = _fts;
        return new StoreStatus(FileBytes(), Space.FreeBytes(Path.GetDirectoryName(DatabasePath)!), fts?.EventsBehind ?? 0, fts?.FailingSince);
    }

    /// <summary>Gets the free space kept on the data folder's filesystem (<c>Retention:MinFreeBytes</c>), or null for none.</summary>
    internal DiskReserve? Reserve { get; init; }

    /// <summary>
    /// At start, when the reserve is not met and the store holds events, says that retention deletes some now (an
    /// upgrade that brings the reserve, a disk filled while the collector was stopped): the folder, the room, the option.
    /// Reads on a read connection: the writer's belongs to the write loop, already running.
    /// </summary>
    private void WarnIfReserveRemovesAtStart()
    {
        if (Reserve?.FreeBytes() is not { } free || free >= Reserve.MinFreeBytes)
        {
            return;
        }

        var reusable = ReusableBytes();
        if (free + reusable >= Reserve.MinFreeBytes)
        {
            return;
        }

        using var connection = OpenRead();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM events)";
        if (command.ExecuteScalar() is 1L)
        {
            CollectorLog.ReserveRemovesAtStart(_logger, Path.GetDirectoryName(DatabasePath)!, free, reusable, Reserve.MinFreeBytes);
        }
    }

    /// <summary>The bytes of the pages free inside both files: later writes reuse them without growing the files.</summary>
    internal long ReusableBytes()
    {
        using var connection = OpenRead();
        using var command = connection.CreateCommand();
        long bytes = 0;
        foreach (var schema in (string[])["main", "fts"])
        {
            command.CommandText = $"PRAGMA {schema}.freelist_count";
            var pages = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            command.CommandText = $"PRAGMA {schema}.page_size";
            bytes += pages * Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return bytes;
    }

    /// <summary>Runs a statement on the events' writer connection between two group commits (tests: <c>PRAGMA max_page_count</c>, a real SQLITE_FULL).</summary>
    internal void ExecuteOnWriter(string sql)
    {
        lock (_writerGate)
        {
            using var command = (_writer ?? throw new InvalidOperationException("The event store is not open.")).Connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The bytes of <c>collector.db</c> and <c>collector-fts.db</c> on disk, with their <c>-wal</c> and <c>-shm</c> files.</summary>
    private long FileBytes()
    {
        long bytes = 0;
        foreach (var path in (string[])[DatabasePath, FullTextPath])
        {
            foreach (var suffix in FileSuffixes)
            {
                var file = new FileInfo(path + suffix);
                bytes += file.Exists ? file.Length : 0;
            }
        }

        return bytes;
    }
}
