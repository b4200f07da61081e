
namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>Registers the SQLite store and opens it before the server starts listening.</summary>
internal static class SqliteStorageExtensions
{
    public static IServiceCollection AddSqliteEventStore(this IServiceCollection services, string dataDirectory)
    {
        services.AddSingleton<IEventStore>(sp => new SqliteEventStore(
            dataDirectory,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SqliteEventStore>>()));
        services.AddHostedService<EventStoreInitializer>();
        return services;
    }
}
