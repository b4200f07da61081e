using Npgsql;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>The users page's reads run once at start, so that a collector's first <c>/api/users</c> does not pay for their first run.</summary>
internal sealed partial class PostgresEventStore
{
    /// <summary>
    /// Reads a users page of one user and the window counts and latest errors of a page, over an empty window, before the
    /// store says it is ready. A collector's first users page on PostgreSQL took 166–174 ms in the store (SQLite's 49–85):
    /// about 90 ms of it Npgsql resolving how to write an array parameter (the page's names, the errors' ids and days) on
    /// its first use, the rest this code's first run; PostgreSQL's own statements took under 25 ms of it, warm or cold
    /// (bench/README.md, "The users list on PostgreSQL, cold"). Ingest reads an array too (the stored ids).
    /// </summary>
    /// <remarks>
    /// A failure here refuses no start: the database answered the schema's statements just before, and whatever made
    /// this read fail is reported by the request that meets it.
    /// </remarks>
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var empty = new UserQuery { Limit = 1, WindowFrom = now, WindowTo = now };
        try
        {
            await GetUsersAsync(empty, cancellationToken);
            await using var connection = await _reads.OpenConnectionAsync(cancellationToken);
            await TallyAsync(connection, new UserPageTallies([string.Empty, null]), empty, cancellationToken);
            await ReadManyAsync(connection, [0L], cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // Not a reason to refuse the start (see remarks).
        }
    }
}
