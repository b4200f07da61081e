using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Postgres;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>Ingest on PostgreSQL while retention removes what it meets.</summary>
public sealed partial class PostgresEventStoreTests
{
    [Fact]
    public async Task Append_BatchKeyRemovedByRetentionBetweenItsConflictAndItsRead_StoredAsANewBatch()
    {
        await Store.AppendAsync(new EventBatch("k", [Event(1)]), CancellationToken.None);
        // The same batch again, from a store whose read of the stored key is held back: its claim has met the key.
        await using var gate = new StatementGate(PostgresServer.Instance.Port, "SELECT accepted FROM batches");
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_database!.ConnectionString()) { Port = gate.Port }.ConnectionString);
        await using var resender = new PostgresEventStore(dataSource, TimeProvider.System, NullLogger<PostgresEventStore>.Instance);
        var resent = resender.AppendAsync(new EventBatch("k", [Event(1)]), CancellationToken.None);
        await gate.Reached;
        // Meanwhile retention removes the key, past MaxAge (and the event's day); the bound is on a hang.
        await Retention.RemoveExpiredAsync(new RetentionOptions { MaxAge = TimeSpan.FromDays(1) }, TimeProvider.System.GetUtcNow().AddDays(1), CancellationToken.None)
            .WaitAsync(TimeSpan.FromMinutes(1));
        gate.Release();
        var result = await resent;

        Assert.False(result.Duplicate);
        Assert.Equal(1, result.Stored);
        Assert.Equal(1L, Assert.Single((await Store.QueryAsync(new EventQuery(), CancellationToken.None)).Events).Sequence);
    }
}
