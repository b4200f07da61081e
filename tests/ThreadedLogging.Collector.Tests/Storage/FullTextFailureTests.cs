using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// The full-text index's writes failing (a full disk; here a lock another connection holds, which fails them the same
/// way): searches answer at once saying the answer is partial, the failure is logged once with its stack trace and once
/// when it ends, and a stop does not wait for it.
/// </summary>
public sealed class FullTextFailureTests : IDisposable
{
    private const int FailedId = 7;
    private const int ResumedId = 801;
    private const int DeferredId = 802;
    private readonly TempDirectory _data = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    [Fact]
    public async Task Search_WhileIndexWritesFail_SaysTheIndexIsBehind_AndOnceTheyResumeFindsEverything()
    {
        var log = new StoreLog();
        await using var store = new SqliteEventStore(_data.Path, TimeProvider.System, log) { FullTextBusyTimeoutSeconds = 1 };
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(Batch("alpha", count: 2, first: 0), CancellationToken.None);
        Assert.Equal(2, (await SearchAsync(store, "alpha")).Events.Count);

        EventPage behind;
        StoreStatus failing;
        using (var blocker = LockIndex())
        {
            await store.AppendAsync(Batch("bravo", count: 2, first: 2), CancellationToken.None);
            await log.Logged(FailedId).WaitAsync(TimeSpan.FromMinutes(1));
            failing = store.Read(); // what /health and /metrics say

            // It waited 10 s for an index that could not be written, then answered without a word of it.
            behind = await SearchAsync(store, "bravo");
        }

        var resumedSearch = SearchAsync(store, "bravo"); // hurries the indexer's next attempt
        await log.Logged(ResumedId).WaitAsync(TimeSpan.FromMinutes(1));
        var after = await SearchAsync(store, "bravo");

        Assert.True(behind.IndexBehind);
        Assert.Empty(behind.Events);
        Assert.Equal(2, failing.IndexBehind);
        Assert.NotNull(failing.IndexFailingSince);
        Assert.Equal((0L, (DateTimeOffset?)null), (store.Read().IndexBehind, store.Read().IndexFailingSince));
        await resumedSearch;
        Assert.False(after.IndexBehind);
        Assert.Equal(2, after.Events.Count);
        Assert.False((await SearchAsync(store, "alpha")).IndexBehind);
        Assert.Single(log.Lines, l => l.Id == FailedId && l.HasException); // the stack trace once, not per attempt
        Assert.DoesNotContain(log.Lines, l => l.Id != FailedId && l.HasException);
        Assert.Contains("2 events caught up", Assert.Single(log.Lines, l => l.Id == ResumedId).Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A search during the indexer's wait before it tries a failed write again cuts the wait short, as its doc says: it
    /// completed a new hurry nobody awaited (the wait awaited the one it replaced), so the retry waited its delay. The
    /// store's clock is a fake that never moves: the delay (1 s) never ends by itself.
    /// </summary>
    [Fact]
    public async Task Search_DuringTheWaitBeforeARetry_TheRetryRunsAtOnce()
    {
        var log = new StoreLog();
        var failing = 0;
        await using var store = new SqliteEventStore(_data.Path, new FakeTimeProvider(DateTimeOffset.UtcNow), log)
        {
            BeforeFullTextWrite = _ =>
            {
                if (Volatile.Read(ref failing) == 1)
                {
                    throw new SqliteException("injected: database or disk is full", SQLitePCL.raw.SQLITE_FULL);
                }
            },
        };
        await store.InitializeAsync(CancellationToken.None);
        Volatile.Write(ref failing, 1);
        await store.AppendAsync(Batch("delta", count: 2, first: 0), CancellationToken.None);
        await log.Logged(FailedId).WaitAsync(TimeSpan.FromMinutes(1));
        Volatile.Write(ref failing, 0);

        var behind = await SearchAsync(store, "delta"); // answers at once (the index fails) and hurries the retry
        await log.Logged(ResumedId).WaitAsync(TimeSpan.FromMinutes(1)); // a bound, not a timing assertion: before, never
        var after = await SearchAsync(store, "delta");

        Assert.True(behind.IndexBehind);
        Assert.False(after.IndexBehind);
        Assert.Equal(2, after.Events.Count);
    }

    [Fact]
    public async Task Stop_WhileIndexWritesFail_DoesNotWaitTheStopTimeout_AndTheNextStartIndexesWhatIsLeft()
    {
        var log = new StoreLog();
        var store = new SqliteEventStore(_data.Path, TimeProvider.System, log)
        {
            FullTextBusyTimeoutSeconds = 1,
            FullTextStopTimeout = TimeSpan.FromHours(1), // it waited this long (30 s by default) for an index that kept failing
        };
        await store.InitializeAsync(CancellationToken.None);
        using (LockIndex())
        {
            await store.AppendAsync(Batch("bravo", count: 3, first: 0), CancellationToken.None);
            await log.Logged(FailedId).WaitAsync(TimeSpan.FromMinutes(1));

            await store.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));
        }

        SqliteConnection.ClearAllPools();
        await using var reopened = new SqliteEventStore(_data.Path, TimeProvider.System, new StoreLog());
        await reopened.InitializeAsync(CancellationToken.None);
        var found = await SearchAsync(reopened, "bravo");
        Assert.Equal(3, found.Events.Count);
        Assert.False(found.IndexBehind);
    }

    [Fact]
    public async Task Start_RepairMeetsAFullDisk_StartsWithTheIndexBehindAndFailing_StoresEvents_AndCatchesUpOnceThereIsRoom()
    {
        // A stop while the index's writes failed: the next start must index these three (fts_queue names them).
        var first = new SqliteEventStore(_data.Path, TimeProvider.System, new StoreLog()) { FullTextBusyTimeoutSeconds = 1, FullTextStopTimeout = TimeSpan.Zero };
        await first.InitializeAsync(CancellationToken.None);
        using (LockIndex())
        {
            await first.AppendAsync(Bulky(Batch("bravo", count: 3, first: 0)), CancellationToken.None);
            await first.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        var log = new StoreLog();
        var full = true; // the index's file cannot grow (SQLITE_FULL) until there is room again
        await using var store = new SqliteEventStore(_data.Path, TimeProvider.System, log)
        {
            BeforeFullTextWrite = connection =>
            {
                using var pragma = connection.CreateCommand();
                pragma.CommandText = Volatile.Read(ref full) ? "PRAGMA max_page_count = 1" : "PRAGMA max_page_count = 1073741823";
                pragma.ExecuteNonQuery();
            },
        };

        await store.InitializeAsync(CancellationToken.None); // threw SqliteException "database or disk is full": a crash loop
        var atStart = store.Read(); // what /health and /metrics say
        await store.AppendAsync(Batch("charlie", count: 2, first: 3), CancellationToken.None);
        Volatile.Write(ref full, false);
        var hurry = SearchAsync(store, "bravo"); // hurries the indexer's next attempt
        await log.Logged(ResumedId).WaitAsync(TimeSpan.FromMinutes(1));
        await hurry;

        Assert.Equal(3, atStart.IndexBehind);
        Assert.NotNull(atStart.IndexFailingSince);
        var warning = Assert.Single(log.Lines, l => l.Id == DeferredId);
        Assert.Contains("the full-text index is behind (3 events;", warning.Message, StringComparison.Ordinal);
        Assert.Contains("searches may miss those events", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Lines, l => l.HasException);
        Assert.Equal(3, (await SearchAsync(store, "bravo")).Events.Count);
        Assert.Equal(2, (await SearchAsync(store, "charlie")).Events.Count);
        Assert.Equal((0L, (DateTimeOffset?)null), (store.Read().IndexBehind, store.Read().IndexFailingSince));
    }

    [Fact]
    public void EventsResponse_IndexBehind_IsInTheJsonOnlyWhenTrue()
    {
        var partial = JsonSerializer.Serialize(new EventsResponse([], null, IndexBehind: true), CollectorJsonContext.Default.EventsResponse);
        var whole = JsonSerializer.Serialize(new EventsResponse([], null), CollectorJsonContext.Default.EventsResponse);

        Assert.Contains("\"indexBehind\":true", partial, StringComparison.Ordinal);
        Assert.DoesNotContain("indexBehind", whole, StringComparison.Ordinal);
    }

    /// <summary>Another connection's write lock on the index file: every index write fails (SQLITE_BUSY) until disposed.</summary>
    private SqliteConnection LockIndex()
    {
        var blocker = new SqliteConnection($"Data Source={Path.Combine(_data.Path, SqliteFtsIndexer.FileName)};Pooling=False");
        blocker.Open();
        using var begin = blocker.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        begin.ExecuteNonQuery();
        return blocker;
    }

    private static Task<EventPage> SearchAsync(SqliteEventStore store, string word) =>
        store.QueryAsync(new EventQuery { Words = [word], Limit = 1000 }, CancellationToken.None);

    private static EventBatch Batch(string word, int count, int first) => FullTextIndexTests.Batch(word, count, first);

    /// <summary>The events with 2,000 distinct words each: their index needs new pages whatever the file's free list holds.</summary>
    private static EventBatch Bulky(EventBatch batch) =>
        new(null, [.. batch.Events.Select(e => new NewEvent
        {
            Timestamp = e.Timestamp,
            Level = e.Level,
            Message = e.Message + string.Concat(Enumerable.Range(0, 2000).Select(k => $" w{e.Sequence}x{k}")),
            User = e.User,
            InstanceId = e.InstanceId,
            Sequence = e.Sequence,
        })]);

    /// <summary>The store's log lines with their ids; <see cref="Logged"/> completes at the first line of an id.</summary>
    private sealed class StoreLog : ILogger<SqliteEventStore>
    {
        private readonly ConcurrentDictionary<int, TaskCompletionSource> _seen = new();

        public ConcurrentQueue<(int Id, string Message, bool HasException)> Lines { get; } = new();

        public Task Logged(int id) => _seen.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Lines.Enqueue((eventId.Id, formatter(state, exception), exception is not null));
            _seen.GetOrAdd(eventId.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }
}
