using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>Retention and the users list: a user whose events the size cap removed is no longer listed.</summary>
public sealed partial class SqliteRetentionTests
{
    [Fact]
    public async Task Run_OverMaxBytes_UserWhoseEventsAllWent_NoLongerListed_OthersKeptWithTheirRows()
    {
        using var data = new TempDirectory();
        await using var store = Open(data.Path, crashAfterEventsChunk: false);
        await store.InitializeAsync(CancellationToken.None);
        var filler = new string('x', 400);
        await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(0, 1000).Select(i => WithUser(Event(i, T0.AddSeconds(i), $"payload {filler} {i}"), "early"))]), CancellationToken.None);
        for (var b = 1; b < 9; b++)
        {
            await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(b * 1000, 1000).Select(i => WithUser(Event(i, T0.AddDays(1).AddSeconds(i), $"payload {filler} {i}"), "late"))]), CancellationToken.None);
        }

        // Everything is within MaxAge: only the cap removes, oldest first (all of early's, some of late's).
        var result = await store.RemoveExpiredAsync(new RetentionOptions { MaxBytes = 2 * 1024 * 1024 }, T0.AddDays(2), CancellationToken.None);

        var left = (await store.QueryAsync(new EventQuery { Limit = 100_000 }, CancellationToken.None)).Events;
        var users = (await store.GetUsersAsync(new UserQuery { Limit = 100, WindowFrom = T0, WindowTo = T0.AddDays(2) }, CancellationToken.None)).Users;
        Assert.InRange(result.BySize, 1001, 8999);
        Assert.Equal(left.Select(e => e.User).Distinct(), users.Select(u => u.User));
        Assert.Equal("late", Assert.Single(users).User);
    }

    /// <summary>
    /// A user last seen in the millisecond of the oldest event the cap left, who still has an event there, is a candidate
    /// for the users' clean-up and must stay listed: only those with no event left go (the guard of 912bfe1, which the
    /// test above never reached: its kept user was last seen after the oldest event left).
    /// </summary>
    [Fact]
    public async Task Run_OverMaxBytes_UserWithAnEventInTheOldestMillisecondLeft_StaysListed()
    {
        using var data = new TempDirectory();
        await using var store = Open(data.Path, crashAfterEventsChunk: false);
        await store.InitializeAsync(CancellationToken.None);
        await AppendEarlyKeepLateAsync(store);

        var result = await store.RemoveExpiredAsync(new RetentionOptions { MaxBytes = 2 * 1024 * 1024 }, T0.AddDays(2), CancellationToken.None);

        Assert.Equal(2000, result.BySize); // one chunk: early's 1,999 events and late's first, in keep's millisecond
        Assert.Equal(["keep", "late"], await ListedAsync(store));
    }

    /// <summary>
    /// A run that stops after the cap removed a chunk (here a crash between its two commits; a cancellation is the same)
    /// skipped the users' clean-up, and a next run with nothing over the cap never did it: the user whose events all went
    /// stayed listed until MaxAge. Now every run with a cap or a reserve cleans up.
    /// </summary>
    [Fact]
    public async Task Run_AfterARunStoppedPastTheCapsChunk_NextRunDelistsTheUserWithNoEventLeft()
    {
        using var data = new TempDirectory();
        var cap = new RetentionOptions { MaxBytes = 2 * 1024 * 1024 };
        var stopped = Open(data.Path, crashAfterEventsChunk: true);
        await stopped.InitializeAsync(CancellationToken.None);
        await AppendEarlyKeepLateAsync(stopped);
        await Assert.ThrowsAsync<IOException>(() => stopped.RemoveExpiredAsync(cap, T0.AddDays(2), CancellationToken.None));
        await stopped.DisposeAsync();

        await using var store = Open(data.Path, crashAfterEventsChunk: false);
        await store.InitializeAsync(CancellationToken.None);
        var result = await store.RemoveExpiredAsync(cap, T0.AddDays(2), CancellationToken.None);

        Assert.Equal(0, result.BySize); // under the cap since the stopped run's chunk
        Assert.Equal(["keep", "late"], await ListedAsync(store));
    }

    /// <summary>
    /// early: 1,999 events of 4 KB each, a day before; then, in one millisecond, late's first event and keep's only one;
    /// then 1,000 small events of late's. The cap's first chunk (2,000 events, oldest first) takes early's and late's first.
    /// </summary>
    private static async Task AppendEarlyKeepLateAsync(SqliteEventStore store)
    {
        var filler = new string('x', 4000);
        await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(0, 1999).Select(i => WithUser(Event(i, T0.AddSeconds(i), $"payload {filler} {i}"), "early"))]), CancellationToken.None);
        var t1 = T0.AddDays(1);
        await store.AppendAsync(new EventBatch(null, [WithUser(Event(2000, t1, "late first"), "late"), WithUser(Event(2001, t1, "keep only"), "keep"), .. Enumerable.Range(2002, 1000).Select(i => WithUser(Event(i, t1.AddSeconds(i), $"late {i}"), "late"))]), CancellationToken.None);
        await store.WaitForFullTextAsync(CancellationToken.None); // the indexer is not reading while the cap measures
    }

    private static async Task<string[]> ListedAsync(SqliteEventStore store) =>
        [.. (await store.GetUsersAsync(new UserQuery { Limit = 100, WindowFrom = T0, WindowTo = T0.AddDays(2) }, CancellationToken.None)).Users.Select(u => u.User ?? string.Empty).Order(StringComparer.Ordinal)];

    private static NewEvent WithUser(NewEvent e, string user) => new()
    {
        Timestamp = e.Timestamp,
        Level = e.Level,
        Message = e.Message,
        User = user,
        InstanceId = e.InstanceId,
        Sequence = e.Sequence,
    };
}
