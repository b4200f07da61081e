using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>Erasure of a user (<see cref="IUserErasure"/>), the same for every engine: matched as the user filter, in chunks.</summary>
public abstract partial class EventStoreContractTests
{
    private static readonly UserQuery AllUsers = new() { Limit = 100, WindowFrom = T0.AddDays(-1), WindowTo = T0.AddDays(1), Sort = UserSort.Name };

    private protected IUserErasure Erasure => (IUserErasure)Store;

    /// <summary>Sets how the store's erasure cuts its work.</summary>
    private protected abstract void UseErasureChunking(ErasureChunking chunking);

    [Fact]
    public async Task EraseUser_AliceAndBob_AliceGoneInEveryCaseBobUntouched()
    {
        await Store.AppendAsync(new EventBatch(null, [
            .. Enumerable.Range(1, 5).Select(i => With(Event(i, message: $"marmalade invoice {i}"), user: "alice")),
            With(Event(6, message: "marmalade refund"), user: "ALICE"),
            .. Enumerable.Range(7, 3).Select(i => With(Event(i, message: $"plain invoice {i}"), user: "bob")),
        ]), CancellationToken.None);

        var erased = await Erasure.EraseUserAsync("Alice", CancellationToken.None);
        var again = await Erasure.EraseUserAsync("alice", CancellationToken.None);

        Assert.Equal(6, erased);
        Assert.Equal(0, again);
        Assert.Empty(await QueryAsync(new EventQuery { User = "alice" }));
        Assert.Empty(await QueryAsync(new EventQuery { Words = ["marmalade"] }));
        Assert.Equal([7L, 8L, 9L], (await QueryAsync(new EventQuery())).Select(e => e.Sequence!.Value).Order());
        Assert.Equal(3, (await QueryAsync(new EventQuery { Words = ["invoice"] })).Count);
        var user = Assert.Single((await Store.GetUsersAsync(AllUsers, CancellationToken.None)).Users);
        Assert.Equal(("bob", 3L), (user.User, user.Total));
    }

    [Fact]
    public async Task EraseUser_IngestBetweenChunks_OtherUserStoredWhileTheErasureGoesOn()
    {
        await Store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(1, 35).Select(i => With(Event(i), user: "alice"))]), CancellationToken.None);
        var between = new List<AppendResult>();
        UseErasureChunking(new ErasureChunking(10, async () =>
        {
            // The erasure holds no lock between its chunks: a batch of another user is stored meanwhile (bounded on a hang).
            var sequence = 100 + between.Count;
            between.Add(await Store.AppendAsync(new EventBatch(null, [With(Event(sequence), user: "bob")]), CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1)));
        }));

        var erased = await Erasure.EraseUserAsync("alice", CancellationToken.None);

        Assert.Equal(35, erased);
        Assert.Equal(3, between.Count); // after the chunks of 10, 20 and 30; the fourth (5 events) was the last
        Assert.All(between, r => Assert.Equal(1, r.Stored));
        Assert.Equal(3, (await QueryAsync(new EventQuery { User = "bob" })).Count);
        Assert.Empty(await QueryAsync(new EventQuery { User = "alice" }));
    }

    [Fact]
    public async Task EraseUser_UserLogsAgainAfterwards_StoredAndListedNormally()
    {
        await Store.AppendAsync(new EventBatch(null, [With(Event(1, message: "before"), user: "alice"), With(Event(2), user: "bob")]), CancellationToken.None);
        await Erasure.EraseUserAsync("alice", CancellationToken.None);

        await Store.AppendAsync(new EventBatch(null, [With(Event(3, message: "after"), user: "alice")]), CancellationToken.None);

        var events = await QueryAsync(new EventQuery { User = "alice" });
        Assert.Equal("after", Assert.Single(events).Message);
        Assert.Equal("alice", events[0].User);
        var users = (await Store.GetUsersAsync(AllUsers, CancellationToken.None)).Users;
        Assert.Equal([("alice", 1L), ("bob", 1L)], users.Select(u => (u.User, u.Total)));
    }

    [Fact]
    public async Task EraseUser_UnknownUser_ErasesNothing()
    {
        await Store.AppendAsync(new EventBatch(null, [With(Event(1), user: "bob")]), CancellationToken.None);

        Assert.Equal(0, await Erasure.EraseUserAsync("nobody", CancellationToken.None));
        Assert.Single(await QueryAsync(new EventQuery()));
    }
}
