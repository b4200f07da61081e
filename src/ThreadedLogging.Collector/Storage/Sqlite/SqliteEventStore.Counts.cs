using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>Counts of the events a query selects, by time and level (the histogram), by a field's value, or both in one pass (the summary), on read connections of their own.</summary>
internal sealed partial class SqliteEventStore
{
    public Task<IReadOnlyList<BucketCount>> CountByTimeAsync(EventQuery query, TimeBuckets buckets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var within = buckets.Within(query);
        return AggregateAsync<IReadOnlyList<BucketCount>>(
            within,
            (command, words, rows, keys) => SqliteQueryBuilder.BuildCounts(command, within, buckets, words, rows, SpillMilliseconds, keys),
            reader =>
            {
                var counts = new List<BucketCount>();
                while (reader.Read())
                {
                    counts.Add(new BucketCount((int)reader.GetInt64(0), (LogLevel)reader.GetInt32(1), reader.GetInt64(2)));
                }

                return counts;
            },
            cancellationToken);
    }

    public Task<EventTimeSpan?> GetTimeSpanAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return AggregateAsync<EventTimeSpan?>(
            query,
            (command, words, rows, keys) => SqliteQueryBuilder.BuildTimeSpan(command, query, words, rows, SpillMilliseconds, keys),
            reader => reader.Read() && !reader.IsDBNull(0)
                ? new EventTimeSpan(new DateTimeOffset(reader.GetInt64(0), TimeSpan.Zero), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero))
                : null,
            cancellationToken);
    }

    public Task<ValueCounts> CountByValueAsync(EventQuery query, EventField field, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        return AggregateAsync(
            query,
            (command, words, rows, keys) => SqliteQueryBuilder.BuildTopValues(command, query, field, top, words, rows, SpillMilliseconds, keys),
            reader =>
            {
                var values = new ValueCountReader(field);
                while (reader.Read())
                {
                    values.Add(reader);
                }

                return values.Result();
            },
            cancellationToken);
    }

    public async Task<EventSummary> SummarizeAsync(EventQuery query, TimeBuckets buckets, IReadOnlyList<EventField> fields, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await CatchUpFullTextAsync(query, cancellationToken);
        using var connection = OpenRead();
        using var command = connection.CreateCommand();
        Plan(connection, query, (words, rows, keys) => SqliteQueryBuilder.BuildSummary(command, query, fields, words, rows, SpillMilliseconds, keys));
        var summary = new SqliteSummaryReader(buckets, fields);
        RawEventReader.Step(command, summary.Add, cancellationToken);
        using var lookups = new SqliteNameCache.Lookups(RawEventReader.Handle(command));
        return summary.Result(_names, lookups, top);
    }

    /// <summary>
    /// One aggregate over the events the query selects: full text caught up first (read your writes), the query's plan
    /// looked up (<see cref="Plan"/>), and the statement interrupted when the request goes away.
    /// </summary>
    private async Task<T> AggregateAsync<T>(EventQuery query, Action<SqliteCommand, long?, long?, IReadOnlyList<long>?> build, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await CatchUpFullTextAsync(query, cancellationToken);
        using var connection = OpenRead();
        using var command = connection.CreateCommand();
        Plan(connection, query, (words, rows, keys) => build(command, words, rows, keys));
        T result;
        using (cancellationToken.Register(command.Cancel))
        using (var reader = command.ExecuteReader())
        {
            result = read(reader);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return result;
    }
}
