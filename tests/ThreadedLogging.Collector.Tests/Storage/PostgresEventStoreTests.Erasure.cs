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

    [Fact]
    public async Task EraseUser_ChunkDeadlocksWithAnotherTransaction_ChunkRunAgainAndEverythingErased()
    {
        // Two users rows of the name, which the chunk locks in name order: "ANN", then "Ann".
        await Store.AppendAsync(new EventBatch(null, [With(Event(1), user: "ANN"), With(Event(2), user: "Ann")]), CancellationToken.None);
        await using var first = await _dataSource!.OpenConnectionAsync();
        await using var holdFirst = await first.BeginTransactionAsync();
        await LockRowsAsync(first, holdFirst, "SELECT 1 FROM users WHERE user_name = 'Ann' FOR UPDATE");
        await using var second = await _dataSource.OpenConnectionAsync();
        await using var holdSecond = await second.BeginTransactionAsync();
        await LockRowsAsync(second, holdSecond, "SELECT id FROM events WHERE sequence = 1 FOR UPDATE");

        // The chunk locks "ANN" and waits for "Ann", which the first transaction holds.
        var erasureWaits = LockWaitAsync(_database!.Name);
        var erasure = Erasure.EraseUserAsync("ann", CancellationToken.None);
        await erasureWaits;
        // The second transaction, which holds one of the user's events, asks for the users table whole, which the chunk (and
        // the first) hold a share of. Its one deadlock check (at deadlock_timeout, when it is logged) finds no cycle: the
        // chunk waits for the first transaction, which waits for nothing. A table's lock, not a row's: the lock manager hands
        // it to the second as the chunk ends, before the chunk's next attempt can ask for the users rows again.
        // Its own line: the chunk's session may log "still waiting" again when woken, before the second has been checked.
        var secondWaits = LockWaitAsync(_database.Name, second.ProcessID);
        var usersTable = LockRowsAsync(second, holdSecond, "LOCK TABLE users IN EXCLUSIVE MODE");
        await secondWaits;
        // The first lets go: the chunk takes "Ann", finds the events and waits in its delete for the second's, closing the
        // cycle. Its own check, the only one left to run, finds it: the chunk is the victim (40P01), the second gets the
        // table, and the chunk's next attempt waits for it.
        await holdFirst.RollbackAsync();
        await usersTable;
        await holdSecond.RollbackAsync();
        var erased = await erasure;

        Assert.Equal(2, erased);
        Assert.Empty((await Store.QueryAsync(new EventQuery(), CancellationToken.None)).Events);
        Assert.Empty((await Store.GetUsersAsync(new UserQuery { Limit = 100, WindowFrom = T0.AddDays(-1), WindowTo = T0.AddDays(1) }, CancellationToken.None)).Users);
    }

    private static async Task LockRowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteScalarAsync();
    }
}
