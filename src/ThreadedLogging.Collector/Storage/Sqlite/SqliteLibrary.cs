using SQLitePCL;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Process-wide settings of the SQLite library, made once before its first connection opens (SQLite refuses them
/// afterwards). Memory statistics are turned off (<c>SQLITE_CONFIG_MEMSTATUS</c>): with them, every allocation and free
/// inside SQLite takes one global mutex, which the events' writer and the full-text indexer, each on its own core,
/// contend for (issue 14: perf put pthread mutex lock/unlock at ~3 % of the collector). Nothing here reads the
/// statistics (<c>sqlite3_memory_used</c>) or sets a soft heap limit, the two things that need them.
/// </summary>
internal static class SqliteLibrary
{
    private static readonly Lazy<int> Configured = new(() =>
    {
        Batteries_V2.Init();
        return raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0);
    });

    /// <summary>Applies the settings if no connection has opened yet; returns SQLite's answer (<c>SQLITE_MISUSE</c> when too late).</summary>
    public static int Configure() => Configured.Value;
}
