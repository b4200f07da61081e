using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>Counts of the events a query selects, by time and level (the histogram), by a field's value, or both in one pass (the summary), on the read replica when there is one.</summary>
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

    public async Task<ValueCounts> CountByValueAsync(EventQuery query, EventField field, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var connection = await _reads.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        PostgresQueryBuilder.BuildTopValues(command, query, field, top);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new ValueCountReader(field);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader);
        }

        return values.Result();
    }

    public async Task<EventSummary> SummarizeAsync(EventQuery query, TimeBuckets buckets, IReadOnlyList<EventField> fields, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var connection = await _reads.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        PostgresQueryBuilder.BuildSummary(command, query, buckets, fields, top);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new List<BucketCount>();
        var values = fields.Select(field => new ValueCountReader(field, oldestColumn: 10)).ToList();
        while (await reader.ReadAsync(cancellationToken))
        {
            // Columns 0-6 the top values' (ValueCountReader), then the set, the bucket, the level, the oldest ticks and the events without a value.
            var set = reader.GetInt32(7);
            if (set < 0)
            {
                counts.Add(new BucketCount((int)reader.GetInt64(8), (LogLevel)reader.GetInt16(9), reader.GetInt64(2)));
            }
            else
            {
                values[set].Add(reader);
            }
        }

        return new EventSummary(counts, [.. values.Select(v => v.Result())]);
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
