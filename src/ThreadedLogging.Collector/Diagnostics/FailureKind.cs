using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>
/// The kind of an unexpected failure, a rate-limited line's key (<see cref="LogRateLimiter"/>): the exception's type and,
/// for a database's, its error code (SQLite's extended code, PostgreSQL's SQLSTATE), never its message text (which may
/// name a row, a value, a file). Two SQLite constraints failing are one kind; a constraint and a disk I/O error are two.
/// </summary>
internal static class FailureKind
{
    /// <summary>The kind of <paramref name="exception"/>.</summary>
    public static string Of(Exception exception) => exception switch
    {
        SqliteException sqlite => $"{exception.GetType().FullName} {sqlite.SqliteExtendedErrorCode}",
        DbException { SqlState: { } state } => $"{exception.GetType().FullName} {state}",
        _ => exception.GetType().FullName ?? exception.GetType().Name,
    };
}
