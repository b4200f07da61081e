using Microsoft.Extensions.DependencyInjection.Extensions;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Collector.Storage.Sqlite;

namespace ThreadedLogging.Collector.Storage;

/// <summary>The one registration of storage: picks the engine named by <c>Collector:Store</c>.</summary>
internal static class StorageExtensions
{
    /// <summary>Registers <see cref="IEventStore"/>, <see cref="ISqsPoisonStore"/> and <see cref="IStoreAvailability"/> of the configured engine, opened before the server listens.</summary>
    /// <exception cref="CollectorConfigurationException">The engine's settings are missing or invalid.</exception>
    public static IServiceCollection AddEventStore(this IServiceCollection services, IConfiguration configuration, CollectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        if (StoreEngines.IsPostgres(options.Store))
        {
            services.AddPostgresStorage(configuration[PostgresStorageExtensions.ConnectionStringKey], configuration[PostgresStorageExtensions.ReadConnectionStringKey]);
        }
        else
        {
            if (!string.IsNullOrWhiteSpace(configuration[PostgresStorageExtensions.ReadConnectionStringKey]))
            {
                throw new CollectorConfigurationException($"{PostgresStorageExtensions.ReadConnectionStringKey} is set but Collector:Store is '{options.Store}': a read replica needs Collector:Store=postgres.");
            }

            services.AddSqliteStorage(options.DataDirectory, options.Retention);
        }

        services.TryAddSingleton<IStoreAvailability, OpenFileAvailability>();
        services.AddSingleton<StoreWriteState>();
        services.AddSingleton<RetentionTrigger>();
        services.AddHostedService<RetentionService>();
        return services;
    }
}
