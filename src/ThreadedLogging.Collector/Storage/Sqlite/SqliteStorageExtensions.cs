namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>Registers the SQLite stores and opens the event store before the server starts listening.</summary>
internal static class SqliteStorageExtensions
{
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string dataDirectory)
    {
        SqliteLibrary.Configure();
        services.AddSingleton<IEventStore>(sp => new SqliteEventStore(
            dataDirectory,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SqliteEventStore>>()));
        services.AddSingleton(sp => (IEventRetention)sp.GetRequiredService<IEventStore>());
        services.AddSingleton<ISqsPoisonStore>(new SqliteSqsPoisonStore(dataDirectory));
        services.AddSingleton<ILevelRuleStore>(new SqliteLevelRuleStore(dataDirectory));
        services.AddHostedService<EventStoreInitializer>();
        return services;
    }
}
