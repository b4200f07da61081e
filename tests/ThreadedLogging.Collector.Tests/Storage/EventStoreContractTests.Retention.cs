using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>Retention, the same for every engine: old events gone from queries and full text, ingest goes on.</summary>
public abstract partial class EventStoreContractTests
{
    private static readonly RetentionOptions ThirtyDays = new() { MaxAge = TimeSpan.FromDays(30) };

    private protected IEventRetention Retention => (IEventRetention)Store;

    [Fact]
    public async Task RemoveExpired_EventsOlderThanMaxAge_GoneFromQueriesAndFullText()
    {
        var now = T0.AddDays(40);
        var old = Enumerable.Range(0, 50).Select(i => Event(i, at: T0.AddMinutes(i), message: $"expired invoice {i}")).ToList();
        var recent = Enumerable.Range(50, 10).Select(i => Event(i, at: now.AddHours(-(i - 49)), message: $"kept invoice {i}")).ToList();
        await Store.AppendAsync(new EventBatch("old", old), CancellationToken.None);
        await Store.AppendAsync(new EventBatch("recent", recent), CancellationToken.None);

        var result = await Retention.RemoveExpiredAsync(ThirtyDays, now, CancellationToken.None);

        Assert.Equal(50, result.ByAge);
        Assert.Equal(recent.Select(e => e.Sequence).Order(), (await QueryAsync(new EventQuery())).Select(e => e.Sequence).Order());
        Assert.Empty(await QueryAsync(new EventQuery { Words = ["expired"] }));
        Assert.Equal(10, (await QueryAsync(new EventQuery { Words = ["invoice"] })).Count);
        Assert.Equal(10, (await QueryAsync(new EventQuery { Words = ["invoice"], User = "u1" })).Count + (await QueryAsync(new EventQuery { Words = ["invoice"], User = "u0" })).Count);
    }

    [Fact]
    public async Task RemoveExpired_RunTwice_SecondRemovesNothing()
    {
        var now = T0.AddDays(40);
        await Store.AppendAsync(new EventBatch(null, [Event(1, at: T0), Event(2, at: now)]), CancellationToken.None);

        await Retention.RemoveExpiredAsync(ThirtyDays, now, CancellationToken.None);
        var second = await Retention.RemoveExpiredAsync(ThirtyDays, now, CancellationToken.None);

        Assert.Equal(0, second.ByAge + second.BySize);
        Assert.Equal(2L, Assert.Single(await QueryAsync(new EventQuery())).Sequence);
    }

    [Fact]
    public async Task RemoveExpired_WhileIngesting_IngestGoesOnAndKeepsEverythingRecent()
    {
        var now = T0.AddDays(40);
        for (var b = 0; b < 10; b++)
        {
            await Store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(b * 500, 500).Select(i => Event(i, at: T0.AddSeconds(i), message: $"expired {i}"))]), CancellationToken.None);
        }

        using var done = new CancellationTokenSource();
        var retention = Retention.RemoveExpiredAsync(ThirtyDays, now, CancellationToken.None);
        var ingest = Task.Run(async () =>
        {
            var batches = 0;
            // At least 20 batches, and on until retention is over: appends run during the whole run.
            while (batches < 20 || !retention.IsCompleted)
            {
                var first = 100_000 + (batches * 10);
                await Store.AppendAsync(new EventBatch($"live-{batches}", [.. Enumerable.Range(first, 10).Select(i => Event(i, at: now.AddMinutes(-1), message: $"live {i}"))]), CancellationToken.None);
                batches++;
            }

            return batches;
        });

        var result = await retention;
        var batches = await ingest;

        Assert.Equal(5000, result.ByAge);
        Assert.Equal(batches * 10, (await Store.QueryAsync(new EventQuery { Limit = 100_000 }, CancellationToken.None)).Events.Count);
    }
}
