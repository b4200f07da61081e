using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>Counts of the events a query selects, by time and level (the histogram), on read connections of their own.</summary>
internal sealed partial class SqliteEventStore
{
    public async Task<IReadOnlyList<BucketCount>> CountByTimeAsync(EventQuery query, TimeBuckets buckets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await CatchUpFullTextAsync(query, cancellationToken);
        var within = buckets.Within(query);
        using var connection = OpenRead();
        using var command = connection.CreateCommand();
        Plan(connection, within, (words, rows, keys) => SqliteQueryBuilder.BuildCounts(command, within, buckets, words, rows, SpillMilliseconds, keys));
        var counts = new List<BucketCount>();
        using (cancellationToken.Register(command.Cancel))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                counts.Add(new BucketCount((int)reader.GetInt64(0), (LogLevel)reader.GetInt32(1), reader.GetInt64(2)));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return counts;
    }

    public async Task<EventTimeSpan?> GetTimeSpanAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await CatchUpFullTextAsync(query, cancellationToken);
        using var connection = OpenRead();
        using var command = connection.CreateCommand();
        Plan(connection, query, (words, rows, keys) => SqliteQueryBuilder.BuildTimeSpan(command, query, words, rows, SpillMilliseconds, keys));
        using (cancellationToken.Register(command.Cancel))
        using (var reader = command.ExecuteReader())
        {
            if (reader.Read() && !reader.IsDBNull(0))
            {
                return new EventTimeSpan(new DateTimeOffset(reader.GetInt64(0), TimeSpan.Zero), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return null;
    }
}
