using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// A store in local files (SQLite): once open it stays reachable; its own refusals come as
/// <see cref="EventStoreUnavailableException"/>. A file locked by another connection for longer than its busy timeout (a
/// side file such as <c>alerts.db</c> held by another process's transaction) is "unavailable, retry": 503 with SQLite's
/// reason, not an empty 500.
/// </summary>
internal sealed class OpenFileAvailability : IStoreAvailability
{
    private const int Busy = 5; // SQLITE_BUSY
    private const int Locked = 6; // SQLITE_LOCKED

    public string? Unavailable(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: Busy or Locked } busy
            ? $"a file of the data folder is locked by another connection ({busy.Message})"
            : null;

    public ValueTask<string?> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
