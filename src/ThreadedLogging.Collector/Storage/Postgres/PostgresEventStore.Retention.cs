using Npgsql;
using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>
/// Retention: whole days older than the cutoff are detached (<c>CONCURRENTLY</c>: ingest into the other
/// partitions goes on) and dropped; the day the cutoff falls in loses its older rows by DELETE. One collector
/// runs it at a time (an advisory lock; the others skip). Every step is atomic on its own, and a run
/// stopped between them is finished by the next (a pending detach is finalized, a detached day dropped).
/// </summary>
internal sealed partial class PostgresEventStore
{
    public async Task<RetentionResult> RemoveExpiredAsync(RetentionOptions options, DateTimeOffset now, CancellationToken cancellationToken, Action<RetentionReason, long>? removed = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var cutoff = now - options.MaxAge;
        var cutoffDay = PostgresPartitions.Day(SqliteEventIds.Milliseconds(cutoff));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await ScalarAsync<bool>(connection, $"SELECT pg_try_advisory_lock({PostgresSchema.RetentionLock})", cancellationToken))
        {
            return new RetentionResult(cutoff, 0, 0, []); // another collector is running it
        }

        try
        {
            await _partitions.EnsureAsync(DaysAround(now), cancellationToken);
            foreach (var pending in await NamesAsync(connection, "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass AND i.inhdetachpending", cancellationToken))
            {
                await ExecuteAsync(connection, $"ALTER TABLE events DETACH PARTITION {pending} FINALIZE", cancellationToken);
            }

            long byAge = 0;
            var dropped = new List<string>();
            var attached = await NamesAsync(connection, "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass", cancellationToken);
            foreach (var name in attached.Where(n => PostgresPartitions.DayOf(n) < cutoffDay).Order(StringComparer.Ordinal))
            {
                var events = await ScalarAsync<long>(connection, $"SELECT count(*) FROM {name}", cancellationToken);
                _partitions.Forget(PostgresPartitions.DayOf(name)!.Value);
                await ExecuteAsync(connection, $"ALTER TABLE events DETACH PARTITION {name} CONCURRENTLY", cancellationToken);
                byAge += events;
                removed?.Invoke(RetentionReason.Age, events); // detached: no longer queried
                await ExecuteAsync(connection, $"DROP TABLE {name}", cancellationToken);
                dropped.Add(name);
            }

            // Days detached by a run that stopped before dropping them.
            var detached = await NamesAsync(connection, "SELECT relname FROM pg_class WHERE relname LIKE 'events\\_p%' AND relkind = 'r' AND NOT relispartition", cancellationToken);
            foreach (var name in detached.Where(n => PostgresPartitions.DayOf(n) < cutoffDay))
            {
                await ExecuteAsync(connection, $"DROP TABLE {name}", cancellationToken);
                dropped.Add(name);
            }

            await using (var delete = new NpgsqlCommand("DELETE FROM events WHERE day = @day AND ts < @cutoff", connection))
            {
                delete.Parameters.AddWithValue("day", cutoffDay);
                delete.Parameters.AddWithValue("cutoff", cutoff.UtcTicks);
                var events = await delete.ExecuteNonQueryAsync(cancellationToken);
                byAge += events;
                removed?.Invoke(RetentionReason.Age, events);
            }

            await using (var keys = new NpgsqlCommand("DELETE FROM batches WHERE received < @cutoff; DELETE FROM users WHERE last_seen < @cutoff", connection))
            {
                keys.Parameters.AddWithValue("cutoff", cutoff.UtcTicks);
                await keys.ExecuteNonQueryAsync(cancellationToken);
            }

            return new RetentionResult(cutoff, byAge, 0, dropped);
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({PostgresSchema.RetentionLock})", CancellationToken.None);
        }
    }

    private static async Task<List<string>> NamesAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            if (PostgresPartitions.DayOf(name) is not null)
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
