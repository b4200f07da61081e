namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>
/// Process-wide SQLite settings, which take effect only before SQLite's first use in the process (later calls are
/// refused by SQLite and change nothing). Memory statistics off: with them on (SQLite's default), every allocation
/// and free takes a global mutex to count bytes, which nothing here reads (no soft heap limit).
/// </summary>
internal static class SqliteProcessSettings
{
    private static int _applied;

    /// <summary>Applies the settings once; a call after SQLite's first use leaves SQLite as it is.</summary>
    public static void Apply()
    {
        if (Interlocked.Exchange(ref _applied, 1) == 0)
        {
            SQLitePCL.Batteries_V2.Init();
            _ = SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MEMSTATUS, 0);
        }
    }
}
