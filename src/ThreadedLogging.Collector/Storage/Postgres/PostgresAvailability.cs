using Npgsql;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>
/// PostgreSQL's reachability: a failure to connect or a connection lost (<see cref="PostgresEventStore.IsUnavailable"/>)
/// is an outage, and <see cref="CheckAsync"/> runs <c>SELECT 1</c> on each data source (writes, and the read replica
/// when there is one) within <see cref="CheckTimeout"/>, its answer kept for <see cref="CacheFor"/> so that a load
/// balancer polling <c>/health</c> costs at most one round trip a second.
/// </summary>
/// <param name="writes">The database the collectors write.</param>
/// <param name="reads">Its read replica, or null.</param>
/// <param name="time">The clock of the cache and the timeout.</param>
internal sealed class PostgresAvailability(NpgsqlDataSource writes, NpgsqlDataSource? reads, TimeProvider time) : IStoreAvailability
{
    /// <summary>How long a check's answer is kept.</summary>
    internal static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    /// <summary>How long a check waits for the database (a host that drops packets answers nothing).</summary>
    internal static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private Task<string?>? _check;
    private long _checkedAt;

    public string? Unavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException npgsql && PostgresEventStore.IsUnavailable(npgsql))
            {
                return Describe(npgsql);
            }
        }

        return null;
    }

    public ValueTask<string?> CheckAsync(CancellationToken cancellationToken)
    {
        Task<string?> check;
        lock (_gate)
        {
            if (_check is null || (_check.IsCompleted && time.GetElapsedTime(_checkedAt) >= CacheFor))
            {
                _check = CheckNowAsync();
            }

            check = _check;
        }

        return new ValueTask<string?>(check.WaitAsync(cancellationToken));
    }

    private async Task<string?> CheckNowAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(CheckTimeout, time);
            return await CheckAsync(writes, timeout.Token) ?? (reads is null ? null : await CheckAsync(reads, timeout.Token));
        }
        finally
        {
            _checkedAt = time.GetTimestamp();
        }
    }

    private static async Task<string?> CheckAsync(NpgsqlDataSource source, CancellationToken timeout)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await source.OpenConnectionAsync(timeout);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(timeout);
                return null;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                return $"PostgreSQL ({PostgresEventStore.TargetOf(source)}) did not answer within {CheckTimeout.TotalSeconds:N0} s";
            }
            catch (NpgsqlException) when (attempt == 1)
            {
                // Idle connections of the pool die with a restarted server and fail once each: drop them, ask once more.
                source.Clear();
            }
            catch (NpgsqlException e)
            {
                return $"PostgreSQL ({PostgresEventStore.TargetOf(source)}): {Describe(e)}";
            }
        }
    }

    /// <summary>Npgsql's reason and its cause's ("Failed to connect to 127.0.0.1:5432: Connection refused").</summary>
    private static string Describe(NpgsqlException e) =>
        e.InnerException is { } cause && !e.Message.Contains(cause.Message, StringComparison.Ordinal) ? $"{e.Message}: {cause.Message}" : e.Message;
}
