using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// The full-text index lives in its own file, written by its own thread after the events' commit:
/// searches still see what was committed before them, and every way the two files can disagree at a
/// start (index missing, a stop between the two commits, a version-1 database) is repaired.
/// </summary>
public sealed class FullTextIndexTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Search_RightAfterEachAppend_FindsWhatWasCommitted()
    {
        await using var store = await OpenAsync();
        for (var i = 0; i < 40; i++)
        {
            await store.AppendAsync(Batch($"word{i}", count: 250, first: i * 250), CancellationToken.None);
            Assert.Equal(250, await CountAsync(store, $"word{i}"));
        }
    }

    [Fact]
    public async Task Search_WhileTheIndexerGathersGroups_EndsTheWait_AndFindsWhatWasCommitted()
    {
        // The indexer would wait an hour for more groups before committing: only the waiting query ends that.
        await using var store = new SqliteEventStore(_data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance)
        {
            FullTextLingerTime = TimeSpan.FromHours(1),
        };
        await store.InitializeAsync(CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            await store.AppendAsync(Batch($"word{i}", count: 2, first: i * 2), CancellationToken.None);
            Assert.Equal(2, await CountAsync(store, $"word{i}").WaitAsync(TimeSpan.FromMinutes(1)));
        }

        Assert.Equal(6, await CountAsync(store, "common").WaitAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Stop_WhileTheIndexerGathersGroups_IndexesThem()
    {
        await using (var store = new SqliteEventStore(_data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance)
        {
            FullTextLingerTime = TimeSpan.FromHours(1),
            FullTextStopTimeout = TimeSpan.FromHours(1), // not abandoned: the stop itself ends the wait
        })
        {
            await store.InitializeAsync(CancellationToken.None);
            await store.AppendAsync(Batch("alpha", count: 3, first: 0), CancellationToken.None);
        }

        // The next start finds the index complete (it would index from fts_queue otherwise, so look at the file).
        using var index = new SqliteConnection($"Data Source={Path.Combine(_data.Path, SqliteFtsIndexer.FileName)};Pooling=False");
        index.Open();
        using var count = index.CreateCommand();
        count.CommandText = "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'alpha'";
        Assert.Equal(3L, count.ExecuteScalar());
    }

    [Fact]
    public async Task Text_RoundTripsExactly_ThroughTheRawInsert()
    {
        const string Message = "caf\u00e9 \U0001F600 \u65e5\u672c a\0b \ud800 end";
        await using var store = await OpenAsync();
        await store.AppendAsync(new EventBatch(null, [new NewEvent { Timestamp = T0, Level = LogLevel.Warning, Message = Message, User = "chlo\u00e9", PropertiesJson = "{\"k\":\"\u00fc\"}" }]), CancellationToken.None);

        var stored = Assert.Single((await store.QueryAsync(new EventQuery { Words = ["caf\u00e9"] }, CancellationToken.None)).Events);
        Assert.Equal(Message.Replace("\ud800", "\ufffd", StringComparison.Ordinal), stored.Message); // a lone surrogate cannot be UTF-8
        Assert.Equal("chlo\u00e9", stored.User);
        Assert.Equal("{\"k\":\"\u00fc\"}", stored.PropertiesJson);
    }

    [Fact]
    public async Task Restart_WithTheIndexFileGone_RebuildsItOnceFromTheEvents()
    {
        await using (var store = await OpenAsync())
        {
            await store.AppendAsync(Batch("alpha", count: 30, first: 0), CancellationToken.None);
            await store.AppendAsync(Batch("bravo", count: 20, first: 30), CancellationToken.None);
        }

        DeleteIndexFiles();

        await using (var store = await OpenAsync())
        {
            Assert.Equal(30, await CountAsync(store, "alpha"));
            Assert.Equal(50, await CountAsync(store, "common"));
            await store.AppendAsync(Batch("charlie", count: 5, first: 50), CancellationToken.None);
        }

        // A second start finds the index complete: nothing indexed twice.
        await using var again = await OpenAsync();
        Assert.Equal(55, await CountAsync(again, "common"));
        Assert.Equal(5, await CountAsync(again, "charlie"));
    }

    [Fact]
    public async Task Stop_WhileTheIndexFileIsLocked_DoesNotHang_AndTheNextStartIndexesEverything()
    {
        await using (var first = await OpenAsync())
        {
            await first.AppendAsync(Batch("alpha", count: 2, first: 0), CancellationToken.None);
        }

        // Another process holds the index file's write lock: every index write fails at once (SQLITE_BUSY).
        var appended = 0;
        using (var blocker = new SqliteConnection($"Data Source={Path.Combine(_data.Path, SqliteFtsIndexer.FileName)};Pooling=False"))
        {
            blocker.Open();
            using (var begin = blocker.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                begin.ExecuteNonQuery();
            }

            var store = new SqliteEventStore(_data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance)
            {
                FullTextBusyTimeoutSeconds = 1, // 0 would mean "wait forever" to Microsoft.Data.Sqlite
                FullTextStopTimeout = TimeSpan.FromMilliseconds(200),
            };
            await store.InitializeAsync(CancellationToken.None);

            // The indexer took the first groups (those that came while it gathered, SqliteFtsIndexer.DefaultLingerTime)
            // and keeps failing on them; append until its queue is full,
            // then once more: that group is acknowledged, and the writer then waits on the full queue.
            while (store.FullTextQueuedGroups < SqliteFtsIndexer.QueueCapacity)
            {
                await store.AppendAsync(Batch("bravo", count: 2, first: 2 + (2 * appended++)), CancellationToken.None);
            }

            await store.AppendAsync(Batch("bravo", count: 2, first: 2 + (2 * appended++)), CancellationToken.None);
            var waiting = store.AppendAsync(Batch("bravo", count: 2, first: 2 + (2 * appended++)), CancellationToken.None);
            Assert.False(waiting.IsCompleted);

            // Returns: the waiting writer is released by abandoning the failing indexer, and the request
            // queued behind it is still stored; nothing committed is lost.
            await store.DisposeAsync();
            Assert.Equal(2, (await waiting).Stored);
        }

        SqliteConnection.ClearAllPools();
        await using var reopened = await OpenAsync();
        Assert.Equal(2 * appended, await CountAsync(reopened, "bravo"));
        Assert.Equal(2 + (2 * appended), await CountAsync(reopened, "common"));
    }

    [Fact]
    public async Task Restart_WithAnIndexFileThatIsNotADatabase_RebuildsItAndLeavesTheDamagedOneClosed()
    {
        await using (var store = await OpenAsync())
        {
            await store.AppendAsync(Batch("alpha", count: 12, first: 0), CancellationToken.None);
        }

        DeleteIndexFiles();

        await File.WriteAllTextAsync(Path.Combine(_data.Path, SqliteFtsIndexer.FileName), new string('x', 8192));

        await using var reopened = await OpenAsync();
        Assert.Equal(12, await CountAsync(reopened, "alpha"));
        // The damaged file was deleted and made anew: no descriptor of this process still holds the deleted one.
        var deleted = Path.Combine(_data.Path, SqliteFtsIndexer.FileName) + " (deleted)";
        Assert.DoesNotContain(deleted, Directory.GetFiles("/proc/self/fd").Select(LinkTarget));
    }

    /// <summary>What a descriptor in <c>/proc/self/fd</c> points at; null when it was closed meanwhile.</summary>
    private static string? LinkTarget(string descriptor)
    {
        try
        {
            return new FileInfo(descriptor).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Restart_AfterAStopBetweenTheTwoCommits_IndexesWhatFtsQueueNames()
    {
        await using (var store = await OpenAsync())
        {
            await store.AppendAsync(Batch("alpha", count: 10, first: 0), CancellationToken.None);
        }

        // What a stop right after the events' commit leaves: rows and their fts_queue entry, no index.
        SqliteConnection.ClearAllPools();
        long indexed;
        using (var fts = new SqliteConnection($"Data Source={Path.Combine(_data.Path, SqliteFtsIndexer.FileName)};Pooling=False"))
        {
            fts.Open();
            using var state = fts.CreateCommand();
            state.CommandText = "SELECT indexed_seq FROM fts_state";
            indexed = (long)state.ExecuteScalar()!;
        }

        using (var main = new SqliteConnection($"Data Source={Path.Combine(_data.Path, SqliteEventStore.FileName)};Pooling=False"))
        {
            main.Open();
            using var insert = main.CreateCommand();
            insert.CommandText = """
                INSERT INTO events (id, ts, level, message, received) VALUES (1, 0, 2, 'late bravo common', 0), (2, 0, 2, 'late bravo common', 0);
                INSERT INTO fts_queue (seq, ids) VALUES ($seq, $ids);
                """;
            insert.Parameters.AddWithValue("$seq", indexed + 1);
            insert.Parameters.AddWithValue("$ids", SqliteFtsIndexer.PackIds([new FtsText(1, "late bravo common", null), new FtsText(2, "late bravo common", null)]));
            insert.ExecuteNonQuery();
        }

        await using (var store = await OpenAsync())
        {
            Assert.Equal(2, await CountAsync(store, "bravo"));
            Assert.Equal(12, await CountAsync(store, "common"));
            await store.AppendAsync(Batch("charlie", count: 3, first: 10), CancellationToken.None);
        }

        await using var again = await OpenAsync();
        Assert.Equal(2, await CountAsync(again, "bravo"));
        Assert.Equal(15, await CountAsync(again, "common"));
        using var check = new SqliteConnection($"Data Source={Path.Combine(_data.Path, SqliteEventStore.FileName)};Mode=ReadOnly;Pooling=False");
        check.Open();
        using var queue = check.CreateCommand();
        queue.CommandText = "SELECT count(*) FROM fts_queue WHERE seq <= $seq";
        queue.Parameters.AddWithValue("$seq", indexed + 1);
        Assert.Equal(0L, queue.ExecuteScalar()); // the repaired group was forgotten once the writer committed again
    }

    [Fact]
    public async Task Version1Database_IsUpgraded_ItsFullTextMovesToTheIndexFile()
    {
        using (var v1 = new SqliteConnection($"Data Source={Path.Combine(_data.Path, SqliteEventStore.FileName)};Pooling=False"))
        {
            v1.Open();
            using var create = v1.CreateCommand();
            create.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, level INTEGER NOT NULL, category TEXT, message TEXT NOT NULL,
                    template TEXT, exception TEXT, properties TEXT, context TEXT, app TEXT, version TEXT, user TEXT,
                    machine TEXT, path TEXT, instance_id TEXT, sequence INTEGER, received INTEGER NOT NULL);
                CREATE VIRTUAL TABLE events_fts USING fts5 (message, content = 'events', content_rowid = 'id');
                CREATE VIRTUAL TABLE events_fts_vocab USING fts5vocab (events_fts, 'row');
                CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
                    INSERT INTO events_fts (events_fts, rowid, message) VALUES ('delete', old.id, old.message);
                END;
                INSERT INTO events (id, ts, level, message, user, received) VALUES (10, 0, 2, 'old delta one', 'zoe', 0), (11, 0, 2, 'old delta two', 'zoe', 0);
                INSERT INTO events_fts (rowid, message) VALUES (10, 'old delta one'), (11, 'old delta two');
                PRAGMA user_version = 1;
                """;
            create.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        await using (var store = await OpenAsync())
        {
            Assert.Equal(2, await CountAsync(store, "delta"));
            await store.AppendAsync(Batch("echo", count: 4, first: 0), CancellationToken.None);
            Assert.Equal(4, await CountAsync(store, "echo"));
        }

        using var check = new SqliteConnection($"Data Source={Path.Combine(_data.Path, SqliteEventStore.FileName)};Mode=ReadOnly;Pooling=False");
        check.Open();
        using var command = check.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name LIKE 'events_fts%'";
        Assert.Equal(0L, command.ExecuteScalar());
        command.CommandText = "PRAGMA user_version";
        Assert.Equal((long)SqliteSchema.Version, command.ExecuteScalar());
    }

    private void DeleteIndexFiles()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_data.Path, SqliteFtsIndexer.FileName + "*"))
        {
            File.Delete(file);
        }
    }

    private async Task<SqliteEventStore> OpenAsync()
    {
        var store = new SqliteEventStore(_data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private static async Task<int> CountAsync(SqliteEventStore store, string word) =>
        (await store.QueryAsync(new EventQuery { Words = [word], Limit = 100_000 }, CancellationToken.None)).Events.Count;

    /// <summary>Events <paramref name="first"/>.. of one user and instance, a second apart from <c>T0</c>, each message "word common i".</summary>
    internal static EventBatch Batch(string word, int count, int first) =>
        new(null, [.. Enumerable.Range(first, count).Select(i => new NewEvent
        {
            Timestamp = T0.AddSeconds(i),
            Level = LogLevel.Information,
            Message = $"{word} common {i}",
            User = "u",
            InstanceId = "instance",
            Sequence = i,
        })]);
}
