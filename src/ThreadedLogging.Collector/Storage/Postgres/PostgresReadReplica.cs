using Npgsql;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>
/// Checks <c>ConnectionStrings:EventsRead</c> at start: it can be opened with its credentials and holds this
/// collector's schema (it is a replica of, or the same database as, <c>ConnectionStrings:Events</c>). A replica
/// just set up may lag behind the schema the primary has just created: it is given a while to catch up.
/// </summary>
internal static class PostgresReadReplica
{
    /// <summary>How long a replica may take to receive the schema created or upgraded on the primary.</summary>
    public static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <exception cref="CollectorConfigurationException">It refuses the credentials or names no database, or lacks the schema (the message names the setting).</exception>
    /// <exception cref="CollectorUnavailableException">It cannot be reached now (refused, no answer, starting up).</exception>
    public static async Task CheckAsync(NpgsqlDataSource reads, TimeProvider time, CancellationToken cancellationToken)
    {
        var target = PostgresEventStore.TargetOf(reads);
        var deadline = time.GetUtcNow() + CatchUp;
        try
        {
            while (true)
            {
                var version = await VersionAsync(reads, cancellationToken);
                if (version >= PostgresSchema.Version)
                {
                    return;
                }

                if (time.GetUtcNow() >= deadline)
                {
                    throw new CollectorConfigurationException(version == 0
                        ? $"{PostgresStorageExtensions.ReadConnectionStringKey} ({target}) has no ThreadedLogging schema: it must be a replica of the database of {PostgresStorageExtensions.ConnectionStringKey} (or that database itself)."
                        : $"{PostgresStorageExtensions.ReadConnectionStringKey} ({target}) has schema version {version}, not {PostgresSchema.Version}, after {CatchUp.TotalSeconds:N0} s: is it a replica of {PostgresStorageExtensions.ConnectionStringKey}, and is replication running?");
                }

                await Task.Delay(Poll, time, cancellationToken);
            }
        }
        catch (Exception e) when (PostgresAvailability.IsUnreachable(e))
        {
            // As the primary: a replica booting later than the collector, or restarting, is not a configuration error.
            throw new CollectorUnavailableException($"The read replica ({target}, {PostgresStorageExtensions.ReadConnectionStringKey}) cannot be reached now: {e.Message}; restarting may help (exit code 3)", e);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new CollectorConfigurationException($"Cannot open the read replica given by {PostgresStorageExtensions.ReadConnectionStringKey} ({target}): {e.Message}", e);
        }
    }

    /// <summary>The schema version the database holds, 0 without one.</summary>
    private static async Task<int> VersionAsync(NpgsqlDataSource reads, CancellationToken cancellationToken)
    {
        await using var connection = await reads.OpenConnectionAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT to_regclass('tl_schema') IS NOT NULL", connection);
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
        {
            return 0;
        }

        await using var version = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM tl_schema", connection);
        return (int)(await version.ExecuteScalarAsync(cancellationToken))!;
    }
}
