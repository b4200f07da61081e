using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>What an erasure leaves in SQLite's two files, read from the files themselves: index entries, names, a stop between commits.</summary>
public sealed class SqliteErasureTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task EraseUser_IndexedEvents_NoIndexEntryNameOrPathLeft()
    {
        using var data = new TempDirectory();
        await using var store = Open(data.Path);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(0, 20).Select(i => Event(i, "alice", $"marmalade order {i}"))]), CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(20, 5).Select(i => Event(i, "bob", $"jam order {i}"))]), CancellationToken.None);
        await store.WaitForFullTextAsync(CancellationToken.None);
        var aliceIds = IndexRowids(store.FullTextPath, "marmalade");

        var erased = await store.EraseUserAsync("alice", CancellationToken.None);

        Assert.Equal(20, erased);
        Assert.Equal(20, aliceIds.Count);
        Assert.Empty(IndexRowids(store.FullTextPath, "marmalade"));
        Assert.Empty(IndexRowids(store.FullTextPath, "order").Intersect(aliceIds));
        Assert.Equal(5, IndexRowids(store.FullTextPath, "order").Count);
        Assert.Equal(["bob"], Names(store.DatabasePath, "SELECT name FROM user_names WHERE name NOT LIKE char(1) || '%'"));
        Assert.Equal(["bob/PC"], Names(store.DatabasePath, "SELECT name FROM paths WHERE name NOT LIKE char(1) || '%'"));
        Assert.Equal(["bob"], Names(store.DatabasePath, "SELECT user FROM users"));
        Assert.Empty(Names(store.DatabasePath, "SELECT id FROM fts_erase"));
    }

    [Fact]
    public async Task EraseUser_LargestNameKey_NameOverwrittenNotFreedForAnotherName()
    {
        using var data = new TempDirectory();
        await using var store = Open(data.Path);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [Event(1, "bob", "first"), Event(2, "alice", "second")]), CancellationToken.None);

        await store.EraseUserAsync("alice", CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [Event(3, "carol", "third")]), CancellationToken.None);

        // alice had the largest key: SQLite would give a deleted one to carol, and a reader may still hold it as "alice".
        Assert.Equal(["1 bob", "2 \u0001erased 2", "3 carol"], Names(store.DatabasePath, "SELECT id || ' ' || name FROM user_names ORDER BY id"));
        Assert.Equal("carol", Assert.Single((await store.QueryAsync(new EventQuery { User = "carol" }, CancellationToken.None)).Events).User);
    }

    [Fact]
    public async Task EraseUser_EventsNotYetIndexed_EntriesNeverAppearAfterTheErasure()
    {
        using var data = new TempDirectory();
        // The indexer holds its groups for an hour unless someone waits for them: the erasure must, or it deletes entries
        // the indexer adds afterwards.
        await using var store = Open(data.Path, lingerTime: TimeSpan.FromHours(1));
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(0, 10).Select(i => Event(i, "alice", $"marmalade {i}")), Event(10, "bob", "jam")]), CancellationToken.None);

        await store.EraseUserAsync("alice", CancellationToken.None);
        await store.WaitForFullTextAsync(CancellationToken.None);

        Assert.Empty(IndexRowids(store.FullTextPath, "marmalade"));
        Assert.Single(IndexRowids(store.FullTextPath, "jam"));
    }

    [Fact]
    public async Task EraseUser_StopBetweenEventsAndIndexCommits_NextOpenDeletesTheIndexEntries()
    {
        using var data = new TempDirectory();
        var store = Open(data.Path, crashAfterEventsChunk: true);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(0, 30).Select(i => Event(i, "alice", $"marmalade {i}")), Event(30, "bob", "jam")]), CancellationToken.None);
        await store.WaitForFullTextAsync(CancellationToken.None);

        await Assert.ThrowsAsync<IOException>(() => store.EraseUserAsync("alice", CancellationToken.None));
        await store.DisposeAsync();
        var leftInIndex = IndexRowids(store.FullTextPath, "marmalade").Count;
        var pending = Names(store.DatabasePath, "SELECT id FROM fts_erase").Count;
        await using var reopened = Open(data.Path);
        await reopened.InitializeAsync(CancellationToken.None);

        Assert.Equal((30, 30), (leftInIndex, pending)); // the events' commit happened, the index's not yet
        Assert.Empty(IndexRowids(reopened.FullTextPath, "marmalade"));
        Assert.Single(IndexRowids(reopened.FullTextPath, "jam"));
        Assert.Empty(Names(reopened.DatabasePath, "SELECT id FROM fts_erase"));
        Assert.Empty((await reopened.QueryAsync(new EventQuery { User = "alice" }, CancellationToken.None)).Events);
    }

    /// <summary>
    /// The texts of a template and a category that only the erased user's events had named them, and stayed in the file
    /// (review16): "Login failed for erin.secret@example.com code {Code}", "Auth.erin-private-category". A template and a
    /// category another user's events have too stay, and that user's event reads back with them.
    /// </summary>
    [Fact]
    public async Task EraseUser_TemplateAndCategoryOnlyTheirEventsHad_GoneFromTheFile_SharedOnesKept()
    {
        using var data = new TempDirectory();
        string databasePath;
        await using (var store = Open(data.Path))
        {
            databasePath = store.DatabasePath;
            await store.InitializeAsync(CancellationToken.None);
            await store.AppendAsync(
                new EventBatch(null, [
                    SqliteRetentionTests.Named(Event(0, "erin", "Login failed for erin.secret@example.com code 7"), "Login failed for erin.secret@example.com code {Code}", "Auth.erin-private-category"),
                    SqliteRetentionTests.Named(Event(1, "erin", "Paid 12"), "Paid {Amount}", "Billing"),
                    SqliteRetentionTests.Named(Event(2, "bob", "Paid 30"), "Paid {Amount}", "Billing"),
                    SqliteRetentionTests.Named(Event(3, "bob", "Shipped 4"), "Shipped {Order}", "Orders"),
                ]),
                CancellationToken.None);
            await store.WaitForFullTextAsync(CancellationToken.None);

            Assert.Equal(2, await store.EraseUserAsync("erin", CancellationToken.None));

            Assert.Equal(["Paid {Amount}", "Shipped {Order}"], Names(store.DatabasePath, "SELECT name FROM templates WHERE name NOT LIKE char(1) || '%' ORDER BY id"));
            Assert.Equal(["Billing", "Orders"], Names(store.DatabasePath, "SELECT name FROM categories WHERE name NOT LIKE char(1) || '%' ORDER BY id"));
            var bobs = (await store.QueryAsync(new EventQuery { User = "bob" }, CancellationToken.None)).Events.OrderBy(e => e.Sequence).ToList();
            Assert.Equal([(2L, "Paid {Amount}", "Billing"), (3L, "Shipped {Order}", "Orders")], bobs.Select(e => (e.Sequence!.Value, e.Template, e.Category)));
        }

        // The WAL moved into the file: secure_delete overwrote the deleted rows' bytes, in the names' tables and their indexes.
        using (var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            Assert.Equal(0L, checkpoint.ExecuteScalar()); // not busy: every page is in the file
        }

        var bytes = await File.ReadAllBytesAsync(databasePath);
        Assert.Equal(-1, bytes.AsSpan().IndexOf("erin.secret@example.com"u8));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("erin-private-category"u8));
        Assert.NotEqual(-1, bytes.AsSpan().IndexOf("Shipped {Order}"u8));
    }

    /// <summary>
    /// A checkpoint rewinds a WAL without emptying it: the erased events' frames stayed in both <c>-wal</c> files until later
    /// writes overwrote them (security review17: 33 copies of an erased token after a checkpoint and 3 writes). The erasure
    /// ends by emptying them, while the store stays open.
    /// </summary>
    [Fact]
    public async Task EraseUser_TheirTextsInTheWalFiles_GoneWhenTheErasureEnds()
    {
        using var data = new TempDirectory();
        await using var store = Open(data.Path);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [.. Enumerable.Range(0, 3).Select(i => Event(i, "erin", $"zanzibarquokka{i} card 4111"))]), CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [Event(3, "bob", "plain order")]), CancellationToken.None);
        await store.WaitForFullTextAsync(CancellationToken.None);
        Assert.NotEqual(-1, (await File.ReadAllBytesAsync(store.DatabasePath + "-wal")).AsSpan().IndexOf("zanzibarquokka"u8)); // there before

        Assert.Equal(3, await store.EraseUserAsync("erin", CancellationToken.None));

        foreach (var path in new[] { store.DatabasePath + "-wal", store.FullTextPath + "-wal" })
        {
            var bytes = File.Exists(path) ? await File.ReadAllBytesAsync(path) : [];
            Assert.True(bytes.AsSpan().IndexOf("zanzibarquokka"u8) == -1, $"{Path.GetFileName(path)} ({bytes.Length} bytes) still holds an erased text");
        }

        Assert.Equal("plain order", Assert.Single((await store.QueryAsync(new EventQuery { User = "bob" }, CancellationToken.None)).Events).Message);
    }

    /// <summary>The template and category an erasure deleted, sent again by another user: stored under new keys, read back with their texts.</summary>
    [Fact]
    public async Task EraseUser_TheirTemplateSentAgainByAnother_StoredAndReadBackWithItsText()
    {
        using var data = new TempDirectory();
        await using var store = Open(data.Path);
        await store.InitializeAsync(CancellationToken.None);
        await store.AppendAsync(
            new EventBatch(null, [SqliteRetentionTests.Named(Event(0, "erin", "Opened 1"), "Opened {Door}", "Doors"), SqliteRetentionTests.Named(Event(1, "bob", "Closed 2"), "Closed {Door}", "Doors.Closing")]),
            CancellationToken.None);

        await store.EraseUserAsync("erin", CancellationToken.None);
        await store.AppendAsync(new EventBatch(null, [SqliteRetentionTests.Named(Event(2, "carol", "Opened 3"), "Opened {Door}", "Doors")]), CancellationToken.None);

        Assert.Equal(["Closed {Door}", "Opened {Door}"], Names(store.DatabasePath, "SELECT name FROM templates WHERE name NOT LIKE char(1) || '%' ORDER BY id"));
        var carols = Assert.Single((await store.QueryAsync(new EventQuery { User = "carol" }, CancellationToken.None)).Events);
        Assert.Equal(("Opened {Door}", "Doors"), (carols.Template, carols.Category));
    }

    private static SqliteEventStore Open(string directory, bool crashAfterEventsChunk = false, TimeSpan? lingerTime = null) =>
        new(directory, TimeProvider.System, NullLogger<SqliteEventStore>.Instance)
        {
            AfterErasureChunk = crashAfterEventsChunk ? () => throw new IOException("stopped between the two commits") : null,
            FullTextLingerTime = lingerTime ?? SqliteFtsIndexer.DefaultLingerTime,
        };

    /// <summary>The rowids the full-text file itself gives for <paramref name="word"/> (not through the events).</summary>
    private static List<long> IndexRowids(string fullTextPath, string word)
    {
        using var connection = new SqliteConnection($"Data Source={fullTextPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid FROM events_fts WHERE events_fts MATCH $word";
        command.Parameters.AddWithValue("$word", word);
        using var reader = command.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    /// <summary>The values of the first column of <paramref name="sql"/>, read from the file itself.</summary>
    internal static List<string> Names(string databasePath, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return names;
    }

    private static NewEvent Event(long sequence, string user, string message) => new()
    {
        Timestamp = T0.AddSeconds(sequence),
        Level = LogLevel.Information,
        Message = message,
        User = user,
        Machine = "PC",
        Path = user + "/PC",
        Sequence = sequence,
    };
}
