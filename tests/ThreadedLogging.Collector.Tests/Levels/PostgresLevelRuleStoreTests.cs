using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Levels;

/// <summary>The level rule contract on a real PostgreSQL (schema version 3, brought up by the event store).</summary>
public sealed class PostgresLevelRuleStoreTests : LevelRuleStoreContractTests
{
    private PostgresDatabase? _database;
    private NpgsqlDataSource? _dataSource;

    private protected override async Task<ILevelRuleStore> CreateStoreAsync()
    {
        _database = PostgresDatabase.Create();
        _dataSource = NpgsqlDataSource.Create(_database.ConnectionString());
        await using var events = new PostgresEventStore(_dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        await events.InitializeAsync(CancellationToken.None);
        return new PostgresLevelRuleStore(_dataSource);
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
