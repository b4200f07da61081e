using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>Counts of the events a query selects, by time and level (the histogram), on the read replica when there is one.</summary>
internal sealed partial class PostgresEventStore
{
    public async Task<IReadOnlyList<BucketCount>> CountByTimeAsync(EventQuery query, TimeBuckets buckets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var within = buckets.Within(query);
        await using var connection = await _reads.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        PostgresQueryBuilder.BuildCounts(command, within, buckets);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new List<BucketCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new BucketCount((int)reader.GetInt64(0), (LogLevel)reader.GetInt16(1), reader.GetInt64(2)));
        }

        return counts;
    }

    public async Task<EventTimeSpan?> GetTimeSpanAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var connection = await _reads.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        PostgresQueryBuilder.BuildTimeSpan(command, query);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0)
            ? new EventTimeSpan(new DateTimeOffset(reader.GetInt64(0), TimeSpan.Zero), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero))
            : null;
    }
}
