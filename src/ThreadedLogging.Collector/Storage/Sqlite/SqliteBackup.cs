using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// A consistent copy of a SQLite data folder, made while the collector runs or not: each file is copied by
/// <c>VACUUM INTO</c> on a read-only connection, one read transaction, so the copy holds exactly the commits made before
/// it began (WAL lets the collector's writer go on meanwhile) and is compact. The full-text index is not copied: it is
/// derived from the events and rebuilt when a collector starts on the restored folder. Copying the live files with
/// <c>cp</c> is not safe: the recent commits are in the <c>-wal</c> file, which a checkpoint rewrites while it is read.
/// </summary>
internal static class SqliteBackup
{
    /// <summary>The files a backup holds, the events first; the others exist once used (level rules, SQS poison messages).</summary>
    public static readonly IReadOnlyList<string> FileNames = [SqliteEventStore.FileName, SqliteLevelRuleStore.FileName, SqliteSqsPoisonStore.FileName, SqliteAlertsFile.FileName];

    /// <summary>Copies the data folder's files into <paramref name="target"/> (made if missing; its files never overwritten).</summary>
    /// <returns>Each file copied, with its size and, for the events' file, how many events it holds.</returns>
    /// <exception cref="CollectorConfigurationException">No events' file in the data folder, or a backup's file already in the target.</exception>
    public static IReadOnlyList<BackedUpFile> Run(string dataDirectory, string target)
    {
        if (!File.Exists(Path.Combine(dataDirectory, SqliteEventStore.FileName)))
        {
            throw new CollectorConfigurationException(
                $"Nothing to back up: Collector:DataDirectory (--data) '{dataDirectory}' holds no {SqliteEventStore.FileName}.");
        }

        OwnerOnlyFiles.CreateDirectory(target);
        foreach (var name in FileNames)
        {
            if (File.Exists(Path.Combine(target, name)))
            {
                throw new CollectorConfigurationException(
                    $"--to '{target}' already holds {name}: a backup never overwrites one; give it an empty or new folder.");
            }
        }

        SqliteLibrary.Configure();
        // A read-only connection to a WAL database makes its -wal and -shm files when they are missing (a stopped
        // collector's folder) and cannot remove them at its close. Left there, owned by whoever ran the backup (root,
        // say), they kept a collector that runs as its own user from opening its database. With the folder's lock held
        // no collector starts meanwhile, so the files this backup made are removed after it; a running collector's own
        // are left alone.
        using var idleFolder = DataDirectoryLock.TryAcquireIdle(dataDirectory);
        var copied = new List<BackedUpFile>();
        foreach (var name in FileNames)
        {
            var source = Path.Combine(dataDirectory, name);
            if (!File.Exists(source))
            {
                continue;
            }

            string[] made = idleFolder is null ? [] : [.. SideFiles(source).Where(f => !File.Exists(f))];
            var copy = Path.Combine(target, name);
            try
            {
                OwnerOnlyFiles.CreateFile(copy); // VACUUM INTO fills an empty file, keeping its mode
                using var connection = OpenReadOnly(source);
                using var vacuum = connection.CreateCommand();
                vacuum.CommandText = "VACUUM INTO $copy";
                vacuum.Parameters.AddWithValue("$copy", copy);
                vacuum.ExecuteNonQuery();
            }
            finally
            {
                // A copy that failed (a full disk) leaves no side files of ours behind either.
                foreach (var file in made)
                {
                    File.Delete(file);
                }
            }

            copied.Add(new BackedUpFile(copy, new FileInfo(copy).Length, name == SqliteEventStore.FileName ? CountEvents(copy) : null));
        }

        return copied;
    }

    /// <summary>The files SQLite keeps beside a WAL database while it is open.</summary>
    private static string[] SideFiles(string database) => [database + "-wal", database + "-shm"];

    private static long CountEvents(string path)
    {
        using var connection = OpenReadOnly(path);
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM events";
        return (long)count.ExecuteScalar()!;
    }

    private static SqliteConnection OpenReadOnly(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }
}

/// <summary>One file of a backup.</summary>
/// <param name="Path">Where the copy is.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Events">How many events it holds (the events' file only).</param>
internal sealed record BackedUpFile(string Path, long Bytes, long? Events);
