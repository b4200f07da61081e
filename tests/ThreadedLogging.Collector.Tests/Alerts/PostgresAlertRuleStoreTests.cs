using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>The alert rule contract on a real PostgreSQL (schema version 12, brought up by the event store).</summary>
public sealed class PostgresAlertRuleStoreTests : AlertRuleStoreContractTests
{
    private PostgresDatabase? _database;
    private NpgsqlDataSource? _dataSource;

    private protected override async Task<IAlertRuleStore> CreateStoreAsync()
    {
        _database = PostgresDatabase.Create();
        _dataSource = NpgsqlDataSource.Create(_database.ConnectionString());
        await using var events = new PostgresEventStore(_dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        await events.InitializeAsync(CancellationToken.None);
        return PostgresAlertRuleStore.Create(_dataSource);
    }

    protected override async Task DeleteStoreAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
