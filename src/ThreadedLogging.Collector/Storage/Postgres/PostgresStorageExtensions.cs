using Npgsql;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>Registers the PostgreSQL stores on one pooled data source and opens the event store before the server starts listening.</summary>
internal static class PostgresStorageExtensions
{
    /// <summary>The configuration key of the connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:Events";

    /// <summary>The configuration key of the optional read replica's connection string.</summary>
    public const string ReadConnectionStringKey = "ConnectionStrings:EventsRead";

    /// <param name="services">Where the stores are registered.</param>
    /// <param name="connectionString">The database the collectors write (<see cref="ConnectionStringKey"/>).</param>
    /// <param name="readConnectionString">A read replica for the queries and the support page, or null (<see cref="ReadConnectionStringKey"/>).</param>
    /// <exception cref="CollectorConfigurationException">A connection string is missing or malformed.</exception>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, string? connectionString, string? readConnectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new CollectorConfigurationException($"Collector:Store is 'postgres' but {ConnectionStringKey} is not set (e.g. \"Host=db;Database=logs;Username=collector;Password=...\").");
        }

        var writes = Build(connectionString, ConnectionStringKey);
        var reads = string.IsNullOrWhiteSpace(readConnectionString) ? null : Build(readConnectionString, ReadConnectionStringKey);
        services.AddSingleton(writes);
        services.AddSingleton(sp => new PostgresEventStore(
            writes,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PostgresEventStore>>(),
            reads,

            // Read when events are left out, not here: CollectorMetrics observes the store (IStoreStatus), so resolving it
            // while the store is made went round that cycle, and a PostgreSQL collector never started.
            (reason, count) => sp.GetRequiredService<CollectorMetrics>().Retained(reason, count)));
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.AddSingleton<IStoreStatus>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.AddSingleton<IStoreAvailability>(sp => new PostgresAvailability(writes, reads, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IEventRetention>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.AddSingleton<IUserErasure>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.AddSingleton<ISqsPoisonStore>(sp => new PostgresSqsPoisonStore(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<ILevelRuleStore>(sp => new PostgresLevelRuleStore(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IAlertLease>(sp => new PostgresAlertLease(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IAlertStateStore>(sp => new PostgresAlertStateStore(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IAlertRuleStore>(sp => PostgresAlertRuleStore.Create(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddHostedService<EventStoreInitializer>();
        return services;
    }

    private static NpgsqlDataSource Build(string connectionString, string key)
    {
        // Npgsql's reasons name the keyword, never its value (a typo'd "Pasword=..." says "Couldn't set pasword"). It takes
        // any Port, and a port out of range (70000) was a bare ArgumentOutOfRangeException at the first open, unnamed.
        // A libpq URL (an app's DATABASE_URL) it refuses as "Format of the initialization string does not conform to
        // specification starting at index 0": said here with the form it reads, the URL (and its password) not shown.
        if (connectionString.TrimStart().StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || connectionString.TrimStart().StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            throw new CollectorConfigurationException(
                $"{key} is a URL (postgresql://…), which Npgsql does not read: write it as keywords, e.g. Host=db;Port=5432;Database=logs;Username=collector;Password=… (README, Many collectors on one PostgreSQL).");
        }

        try
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            if (builder.ConnectionStringBuilder.Port is < 1 or > 65535)
            {
                throw new CollectorConfigurationException($"{key} is not a valid PostgreSQL connection string: Port must be 1 to 65535 (was {builder.ConnectionStringBuilder.Port}).");
            }

            builder.ConnectionStringBuilder.ApplicationName ??= "ThreadedLogging.Collector";
            return builder.Build();
        }
        catch (ArgumentException e)
        {
            throw new CollectorConfigurationException($"{key} is not a valid PostgreSQL connection string: {e.Message}", e);
        }
        catch (FormatException)
        {
            // Npgsql's FormatException quotes the value, which may be a password put in Host (Host=ops:secret@db: "secret@db"
            // read as the port); it escaped this check, a crash with the password in its message. Not kept as the inner exception.
            throw new CollectorConfigurationException(
                $"{key} is not a valid PostgreSQL connection string: a value is not in its keyword's form (Host=name or name:port, Port a number; a user name and password go in Username and Password, never in Host; the value is not shown).");
        }
    }
}
