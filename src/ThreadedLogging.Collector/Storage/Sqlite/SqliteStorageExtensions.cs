namespace ThreadedLogging.Collector.Storage.Sqlite;

/// <summary>Registers the SQLite stores and opens the event store before the server starts listening.</summary>
internal static class SqliteStorageExtensions
{
    /// <exception cref="CollectorConfigurationException">The data folder cannot be made or written.</exception>
    /// <exception cref="CollectorUnavailableException">Another process holds the folder (DataDirectoryLock).</exception>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string dataDirectory, RetentionOptions retention)
    {
        CheckWritable(dataDirectory);
        var held = DataDirectoryLock.Acquire(dataDirectory);
        SqliteLibrary.Configure();
        services.AddSingleton(new DataFolderSpace());
        services.AddSingleton(_ => held); // made by a factory, so the container releases it when the app is disposed
        services.AddSingleton(sp =>
        {
            sp.GetRequiredService<DataDirectoryLock>(); // resolved with the store, so that the container disposes it
            var reserve = sp.GetService<DiskReserve>();
            return new SqliteEventStore(dataDirectory, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SqliteEventStore>>())
            {
                WalBytes = reserve?.WalBytes ?? SqliteCommands.WalBytesFor(retention.MaxBytes, 0),
                Space = sp.GetRequiredService<DataFolderSpace>(), // the last registered: a test's
                Reserve = reserve,
            };
        });
        if (retention.MinFreeBytes != 0)
        {
            // The default reserve is the filesystem's (DataFolderSpace, the last registered: a test's small disk), and the
            // WAL's budget the reserve's: both when the container makes them.
            services.AddSingleton(sp =>
            {
                var space = sp.GetRequiredService<DataFolderSpace>();
                var reserveBytes = retention.ReserveBytes(space.TotalBytes(dataDirectory));
                return new DiskReserve(
                    reserveBytes, SqliteCommands.WalBytesFor(retention.MaxBytes, reserveBytes), space, dataDirectory, sp.GetRequiredService<RetentionTrigger>(), sp.GetRequiredService<TimeProvider>());
            });
            services.AddHostedService(sp => new DiskReserveWatch(sp.GetRequiredService<SqliteEventStore>(), sp.GetRequiredService<DiskReserve>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DiskReserveWatch>>()));
        }

        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.AddSingleton(sp => (IEventRetention)sp.GetRequiredService<IEventStore>());
        services.AddSingleton<IStoreStatus>(sp => sp.GetRequiredService<SqliteEventStore>()); // not IEventStore's: tests wrap that one
        services.AddSingleton(sp => (IUserErasure)sp.GetRequiredService<IEventStore>());
        services.AddSingleton<ISqsPoisonStore>(new SqliteSqsPoisonStore(dataDirectory));
        services.AddSingleton<ILevelRuleStore>(new SqliteLevelRuleStore(dataDirectory));
        services.AddSingleton<IAlertLease, SoleCollectorAlertLease>();
        services.AddSingleton<IAlertStateStore>(new SqliteAlertStateStore(dataDirectory));
        services.AddSingleton<IAlertRuleStore>(SqliteAlertsFile.RuleStore(dataDirectory));
        services.AddHostedService<EventStoreInitializer>();
        return services;
    }

    /// <summary>
    /// A data folder that is a file, under a read-only mount or not ours stopped the start with a bare
    /// <c>IOException</c> or <c>FileNotFoundException</c> naming a path but not the setting: said here, with the setting.
    /// </summary>
    private static void CheckWritable(string dataDirectory)
    {
        try
        {
            OwnerOnlyFiles.CreateDirectory(dataDirectory);
            using var probe = File.Create(Path.Combine(dataDirectory, $".write-check-{Environment.ProcessId}"), 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new CollectorConfigurationException(
                $"Invalid collector configuration: Collector:DataDirectory (--data) '{dataDirectory}' cannot be written: {e.Message}", e);
        }
    }
}
