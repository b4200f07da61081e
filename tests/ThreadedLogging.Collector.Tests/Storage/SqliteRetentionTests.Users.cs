using ThreadedLogging.Collector.Storage;
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
