using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;
using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>
/// The daily partitions of <c>events</c> (<c>events_pYYYYMMDD</c>): created before the first event of a day
/// arrives (ahead of time by retention, on demand for late or early events), under an advisory lock so that
/// collectors creating the same day do not collide; never inside an ingest transaction.
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

    public static string Name(int day) => Prefix + Date(day).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The UTC date of a day.</summary>
    public static DateOnly Date(int day) => Epoch.AddDays(day);

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
            await using var attached = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(@name))", connection, transaction);
            attached.Parameters.AddWithValue("name", Name(day));
            if ((bool)(await attached.ExecuteScalarAsync(cancellationToken))!)
            {
                continue;
            }

            // Made apart and attached, not CREATE TABLE ... PARTITION OF: that takes an ACCESS EXCLUSIVE lock on
            // events, so it would wait for any running query and hold up every insert queued behind it. ATTACH
            // takes SHARE UPDATE EXCLUSIVE, which neither reads nor inserts conflict with; the CHECK spares it a
            // scan, and the indexes are built on the new table while it is empty.
            var sql = string.Create(CultureInfo.InvariantCulture, $"""
                CREATE TABLE IF NOT EXISTS {Name(day)} (LIKE events INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS,
                    CONSTRAINT {Name(day)}_day CHECK (day >= {day} AND day < {day + 1}));
                ALTER TABLE events ATTACH PARTITION {Name(day)} FOR VALUES FROM ({day}) TO ({day + 1})
                """);
            await using var create = new NpgsqlCommand(sql, connection, transaction);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var day in missing)
        {
            _known[day] = true;
        }
    }

    /// <summary>
    /// The <paramref name="days"/> whose partition retention is detaching (<c>DETACH … CONCURRENTLY</c>, waiting for older
    /// transactions): no row goes into them, and they cannot be made again until they are dropped.
    /// </summary>
    public async Task<IReadOnlySet<int>> DetachingAsync(IEnumerable<int> days, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass AND i.inhdetachpending AND c.relname = ANY(@names)",
            connection);
        command.Parameters.AddWithValue("names", days.Distinct().Select(Name).ToArray());
        var detaching = new HashSet<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (DayOf(reader.GetString(0)) is { } day)
            {
                detaching.Add(day);
            }
        }

        return detaching;
    }

    /// <summary>Forgets what is known: another collector may have dropped a partition.</summary>
    public void Forget() => _known.Clear();

    public void Forget(int day) => _known.TryRemove(day, out _);
}
