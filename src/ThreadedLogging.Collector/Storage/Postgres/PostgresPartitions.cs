using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;
using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>
/// The daily partitions of <c>events</c> (<c>events_pYYYYMMDD</c>): created before the first event of a day
/// arrives (ahead of time by retention, on demand for late or early events), under an advisory lock so that
/// collectors creating the same day do not collide. Creating a partition locks the parent briefly, hence
/// never inside an ingest transaction.
/// </summary>
internal sealed class PostgresPartitions(NpgsqlDataSource dataSource)
{
    public const long MillisecondsPerDay = 86_400_000;

    /// <summary>Days created ahead of today, so that midnight never waits for a partition.</summary>
    public const int DaysAhead = 2;

    private const string Prefix = "events_p";
    private static readonly DateOnly Epoch = new(1970, 1, 1);

    private readonly ConcurrentDictionary<int, bool> _known = new();

    /// <summary>The day (since 1970, UTC) of an id's millisecond, which the ids clamp to their range.</summary>
    public static int Day(long milliseconds) => (int)(Math.Clamp(milliseconds, 0, SqliteEventIds.MaxMilliseconds) / MillisecondsPerDay);

    public static string Name(int day) => Prefix + Epoch.AddDays(day).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The day of a partition's name, or null for a table that is not one.</summary>
    public static int? DayOf(string name) =>
        name.StartsWith(Prefix, StringComparison.Ordinal)
        && DateOnly.TryParseExact(name.AsSpan(Prefix.Length), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.DayNumber - Epoch.DayNumber
            : null;

    /// <summary>Makes sure a partition exists for each day.</summary>
    public async Task EnsureAsync(IEnumerable<int> days, CancellationToken cancellationToken)
    {
        var missing = days.Where(d => !_known.ContainsKey(d)).Distinct().Order().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PostgresSchema.PartitionLock})", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var day in missing)
        {
            var sql = string.Create(CultureInfo.InvariantCulture, $"CREATE TABLE IF NOT EXISTS {Name(day)} PARTITION OF events FOR VALUES FROM ({day}) TO ({day + 1})");
            await using var create = new NpgsqlCommand(sql, connection, transaction);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var day in missing)
        {
            _known[day] = true;
        }
    }

    /// <summary>Forgets what is known: another collector may have dropped a partition.</summary>
    public void Forget() => _known.Clear();

    public void Forget(int day) => _known.TryRemove(day, out _);
}
