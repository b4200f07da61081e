using System.Globalization;
using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector;

/// <summary>
/// <c>backup --to &lt;folder&gt;</c>: a consistent copy of the SQLite data folder (<see cref="SqliteBackup"/>), made beside a
/// running collector or without one; the data folder comes from the same settings as the collector's (<c>--data</c>,
/// <c>Collector__DataDirectory</c>, appsettings.json). Exit code 0 when copied, 2 for a usage or configuration error,
/// 1 when a file could not be read or written.
/// </summary>
internal static class BackupCommand
{
    public const string Name = "backup";

    /// <exception cref="CollectorConfigurationException">No <c>--to</c>, a PostgreSQL store, or what <see cref="SqliteBackup.Run"/> refuses.</exception>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var (target, rest) = TakeTarget(args);
        var options = CollectorApp.ReadOptions(rest);
        if (StoreEngines.IsPostgres(options.Store))
        {
            throw new CollectorConfigurationException(
                "Collector:Store is postgres: back up the database with PostgreSQL's own tools (pg_dump, or a base backup with WAL archiving); this command copies a SQLite data folder.");
        }

        IReadOnlyList<BackedUpFile> files;
        try
        {
            files = SqliteBackup.Run(options.DataDirectory, target);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"Backup of '{options.DataDirectory}' to '{target}' failed: {e.Message}");
            return 1;
        }

        foreach (var file in files)
        {
            var events = file.Events is { } count ? ", " + Counted.Events(count) : string.Empty;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Backed up {file.Path} ({file.Bytes:N0} bytes{events})"));
        }

        output.WriteLine(
            $"To restore: stop the collector, put these files into an empty data folder and start it there (--data); it rebuilds the full-text index ({SqliteFtsIndexer.FileName}) at the start.");
        return 0;
    }

    private static (string Target, string[] Others) TakeTarget(string[] args)
    {
        string? target = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--to" && i + 1 < args.Length)
            {
                target = args[++i];
            }
            else if (args[i].StartsWith("--to=", StringComparison.Ordinal))
            {
                target = args[i]["--to=".Length..];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        if (string.IsNullOrWhiteSpace(target))
        {
            throw new CollectorConfigurationException(
                "Usage: backup --to <folder> [--data <data folder>]: copies the collector's SQLite files into <folder> (made if missing, never overwritten).");
        }

        return (Path.GetFullPath(target), [.. rest]);
    }
}
