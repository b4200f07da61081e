using Microsoft.Data.Sqlite;
using static SQLitePCL.raw;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// A store in local files (SQLite): once open it stays reachable; its own refusals come as
/// <see cref="EventStoreUnavailableException"/>. A file locked by another connection for longer than its busy timeout (a
/// side file such as <c>alerts.db</c> held by another process's transaction) is "unavailable, retry": 503 with SQLite's
/// reason, not an empty 500. So is a file of the data folder the machine cannot read or write now (a full disk, an I/O
/// error, a file made read-only or not a database: <c>levels.db</c>'s rules read or changed), as the event writer says
/// of its own (<c>SqliteEventStore.IsUnavailable</c>); a constraint or a misuse stays a defect.
/// </summary>
internal sealed class OpenFileAvailability : IStoreAvailability
{
    public string? Unavailable(Exception exception) => exception is SqliteException e
        ? e.SqliteErrorCode switch
        {
            SQLITE_BUSY or SQLITE_LOCKED => $"a file of the data folder is locked by another connection ({e.Message})",
            SQLITE_FULL => $"the data folder's disk is full ({e.Message})",
            SQLITE_IOERR or SQLITE_READONLY or SQLITE_CANTOPEN or SQLITE_CORRUPT or SQLITE_NOTADB or SQLITE_NOMEM or SQLITE_PROTOCOL
                => $"a file of the data folder cannot be read or written ({e.Message})",
            _ => null,
        }
        : null;

    public ValueTask<string?> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
