using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// SQLite's group commit: the requests queued while the writer stores a group go in together, in one transaction;
/// a request that fails must fail alone.
/// </summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _data = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    [Fact]
    public async Task Append_OneRequestOfAGroupThrowsAnUnexpectedException_OnlyItFails_TheOthersAreStored()
    {
        using var release = new ManualResetEventSlim();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fault = new NotSupportedException("injected fault");
        await using var store = new SqliteEventStore(_data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance)
        {
            // Nothing real throws anything but SQLite's errors while a request is stored: the fault is injected.
            BeforeAppend = batch =>
            {
                switch (batch.Events[0].Message)
                {
                    case "hold":
                        holding.TrySetResult();
                        release.Wait(); // the writer's own thread: the next requests queue up behind this group
                        break;
                    case "bad":
                        throw fault;
                }
            },
        };
        await store.InitializeAsync(CancellationToken.None);

        var hold = store.AppendAsync(Batch("hold"), CancellationToken.None);
        await holding.Task;

        // Queued when AppendAsync returns (the queue has room): the writer takes the three as one group.
        var first = store.AppendAsync(Batch("good first"), CancellationToken.None);
        var bad = store.AppendAsync(Batch("bad"), CancellationToken.None);
        var last = store.AppendAsync(Batch("good last"), CancellationToken.None);
        release.Set();

        Assert.Equal(1, (await hold).Stored);
        Assert.Same(fault, await Assert.ThrowsAsync<NotSupportedException>(() => bad));
        Assert.Equal(1, (await first).Stored);
        Assert.Equal(1, (await last).Stored);

        var stored = (await store.QueryAsync(new EventQuery { Limit = 100 }, CancellationToken.None)).Events;
        Assert.Equal(["good first", "good last", "hold"], stored.Select(e => e.Message).Order(StringComparer.Ordinal));
        Assert.Equal(2, (await store.QueryAsync(new EventQuery { Words = ["good"], Limit = 100 }, CancellationToken.None)).Events.Count);
    }

    private static EventBatch Batch(string message) =>
        new(null, [new NewEvent { Timestamp = T0, Level = LogLevel.Information, Message = message }]);
}
