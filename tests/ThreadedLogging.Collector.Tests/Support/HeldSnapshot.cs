using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>
/// A reader's snapshot of a SQLite file, held until <see cref="End"/> or disposal: a real read-only connection in a
/// transaction that has read, as a search, an export or <c>sqlite3 .backup</c> holds one. While it lasts, a TRUNCATE
/// checkpoint cannot cut the file's WAL.
/// </summary>
internal sealed class HeldSnapshot : IDisposable
{
    private readonly SqliteConnection _reader;
    private SqliteTransaction? _snapshot;

    /// <summary>Opens <paramref name="databasePath"/> read-only and reads its events in a transaction left open.</summary>
    public HeldSnapshot(string databasePath)
    {
        _reader = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        _reader.Open();
        _snapshot = _reader.BeginTransaction();
        using var read = _reader.CreateCommand();
        read.CommandText = "SELECT count(*) FROM events";
        read.ExecuteScalar();
    }

    /// <summary>Ends the snapshot (again: nothing).</summary>
    public void End()
    {
        _snapshot?.Commit();
        _snapshot?.Dispose();
        _snapshot = null;
    }

    public void Dispose()
    {
        End();
        _reader.Dispose();
    }
}
