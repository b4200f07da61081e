using Npgsql;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>Erasure on PostgreSQL while the same user's events are stored by another transaction.</summary>
public sealed partial class PostgresEventStoreTests
{
    [Fact]
    public async Task EraseUser_UserInAnotherCaseCommitsWhileTheLastChunkDeletes_NoEventLeftWithoutItsUsersRow()
    {
        await Store.AppendAsync(new EventBatch(null, [With(Event(1, message: "first"), user: "Ann")]), CancellationToken.None);
        // A transaction holding Ann's event makes the erasure's delete wait there, after its find.
        await using var blocker = await _dataSource!.OpenConnectionAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        await using (var row = new NpgsqlCommand("SELECT id FROM events WHERE user_name = 'Ann' FOR UPDATE", blocker, hold))
        {
            await row.ExecuteScalarAsync();
        }

        var waiting = LockWaitAsync(_database!.Name);
        var erasure = Erasure.EraseUserAsync("ann", CancellationToken.None);
        await waiting;
        // Meanwhile the user logs under another case of the name: a users row of its own, committed before the chunk's.
        var appended = await Store.AppendAsync(new EventBatch(null, [With(Event(2, message: "second"), user: "ann")]), CancellationToken.None);
        await hold.CommitAsync();
        var erased = await erasure;

        var left = (await Store.QueryAsync(new EventQuery { User = "ann" }, CancellationToken.None)).Events.Select(e => e.User).Distinct();
        var users = (await Store.GetUsersAsync(new UserQuery { Limit = 100, WindowFrom = T0.AddDays(-1), WindowTo = T0.AddDays(1) }, CancellationToken.None)).Users;
        Assert.Equal(left, users.Select(u => u.User));
        Assert.Equal(1, appended.Stored);
        Assert.Equal(2, erased);
        Assert.Empty(users);
    }
}
