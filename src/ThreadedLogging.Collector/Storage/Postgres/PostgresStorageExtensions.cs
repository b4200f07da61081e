using Npgsql;

namespace ThreadedLogging.Collector.Storage.Postgres;

/// <summary>Registers the PostgreSQL stores on one pooled data source and opens the event store before the server starts listening.</summary>
internal static class PostgresStorageExtensions
{
    /// <summary>The configuration key of the connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:Events";

    /// <exception cref="CollectorConfigurationException">The connection string is missing or malformed.</exception>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new CollectorConfigurationException($"Collector:Store is 'postgres' but {ConnectionStringKey} is not set (e.g. \"Host=db;Database=logs;Username=collector;Password=...\").");
        }

        NpgsqlDataSourceBuilder builder;
        try
        {
            builder = new NpgsqlDataSourceBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new CollectorConfigurationException($"{ConnectionStringKey} is not a valid PostgreSQL connection string: {e.Message}", e);
        }

        builder.ConnectionStringBuilder.ApplicationName ??= "ThreadedLogging.Collector";
        services.AddSingleton(builder.Build());
        services.AddSingleton(sp => new PostgresEventStore(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PostgresEventStore>>()));
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.AddSingleton<IEventRetention>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.AddSingleton<ISqsPoisonStore>(sp => new PostgresSqsPoisonStore(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<ILevelRuleStore>(sp => new PostgresLevelRuleStore(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddHostedService<EventStoreInitializer>();
        return services;
    }
}
