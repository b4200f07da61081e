using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// SQLite's histogram and top values (schema version 10: a user's counts from <c>ix_events_user</c> alone, the histogram
/// grouped on one integer, a kind's text read only for rows without a key), and the summary that counts both in one pass,
/// count exactly the events the list shows, on a
/// seeded store with rows as version 9 writes them and as version 8 wrote them (texts, no keys), before and after the
/// index is built by an upgrade from version 9.
/// </summary>
public sealed class SqliteCountsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeBuckets Hours = new(T0.AddHours(-1), TimeSpan.FromHours(1), 80);
    private static readonly string?[] Users = ["alice", "Alice", "bob", "carol", null];
    private readonly TempDirectory _data = new();
    private SqliteEventStore? _store;

    private SqliteEventStore Store => _store!;

    private string DatabasePath => Path.Combine(_data.Path, SqliteEventStore.FileName);

    public async Task InitializeAsync()
    {
        _store = await OpenAsync();
        var events = MixedEvents.Make(5, 600, T0, Users, 7);
        await Store.AppendAsync(new EventBatch(null, events), CancellationToken.None);
        // A third of the rows as version 8 wrote them: category and template as text, no keys.
        Execute("""
            UPDATE events SET template = (SELECT name FROM templates WHERE id = events.template_key), template_key = NULL,
                              category = (SELECT name FROM categories WHERE id = events.category_key), category_key = NULL
            WHERE id % 3 = 0
            """);
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    [Fact]
    public async Task Counts_SeededStore_ExactlyWhatTheListShows()
    {
        await AssertCountsAsListedAsync();
    }

    [Fact]
    public async Task Start_OnVersion9File_BuildsTheUserIndexAndCountsTheSame()
    {
        await Store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        // As version 9 left the file: the user index of user_key alone.
        Execute("CREATE INDEX ix_events_user_key ON events (user_key); DROP INDEX ix_events_user; PRAGMA user_version = 9;");
        _store = await OpenAsync();

        Assert.Equal(1L, Scalar("SELECT count(*) FROM sqlite_master WHERE name = 'ix_events_user'"));
        Assert.Equal(0L, Scalar("SELECT count(*) FROM sqlite_master WHERE name = 'ix_events_user_key'"));
        Assert.Equal(11L, Scalar("PRAGMA user_version"));
        await AssertCountsAsListedAsync();
    }

    [Fact]
    public void UserCounts_ReadTheUserIndexAlone()
    {
        var key = Scalar("SELECT id FROM user_names WHERE name = 'bob'");
        var query = new EventQuery { User = "bob", From = T0.AddDays(1) };

        Assert.Contains(Plan(c => SqliteQueryBuilder.BuildCounts(c, Hours.Within(query), Hours, userKeys: [key])), step => step.Contains("COVERING INDEX ix_events_user (user_key=? AND id>?", StringComparison.Ordinal));
        Assert.Contains(Plan(c => SqliteQueryBuilder.BuildTimeSpan(c, query, userKeys: [key])), step => step.Contains("COVERING INDEX ix_events_user", StringComparison.Ordinal));
        foreach (var field in (EventField[])[EventField.User, EventField.App, EventField.Version, EventField.Machine])
        {
            Assert.Contains(Plan(c => SqliteQueryBuilder.BuildTopValues(c, query, field, 5, userKeys: [key])), step => step.Contains("COVERING INDEX ix_events_user", StringComparison.Ordinal));
        }
    }

    private async Task AssertCountsAsListedAsync()
    {
        EventQuery[] queries =
        [
            new(), new() { User = "alice" }, new() { NoUser = true }, new() { MinLevel = LogLevel.Warning },
            new() { Levels = [LogLevel.Error, LogLevel.Critical] }, new() { From = T0.AddDays(1), To = T0.AddDays(2) },
            new() { Words = ["paid"] }, new() { User = "bob", Words = ["paid"] }, new() { App = "Shop" },
            new() { Template = "Order {N} paid" }, new() { Machine = "PC-1", From = T0.AddHours(30) }, new() { User = "carol", Template = "Login failed" },
        ];
        foreach (var query in queries)
        {
            var page = await Store.QueryAsync(query with { Limit = 10_000 }, CancellationToken.None);
            Assert.Null(page.Next);
            var listed = page.Events;
            Assert.Equal(Histogram(listed, Hours.Within(query)), Sorted(await Store.CountByTimeAsync(query, Hours, CancellationToken.None)));
            foreach (var field in Enum.GetValues<EventField>())
            {
                var all = await Store.CountByValueAsync(query, field, 100, CancellationToken.None);
                var expected = listed.GroupBy(e => Value(e, field)).ToList();
                Assert.Equal(listed.Count, all.Total);
                Assert.Equal(expected.Count, all.Distinct);
                Assert.Equal(
                    expected.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Count()}, {g.Count(e => e.Level >= LogLevel.Error)}, {g.Max(e => e.Timestamp):O}"),
                    all.Values.OrderBy(v => v.Value, StringComparer.Ordinal).Select(v => $"{v.Value}: {v.Count}, {v.Errors}, {v.Newest:O}"));
                Assert.Equal(all.Values.OrderByDescending(v => v.Count).Select(v => v.Count), all.Values.Select(v => v.Count));
                var top = await Store.CountByValueAsync(query, field, 2, CancellationToken.None);
                Assert.Equal(all.Values.Take(2), top.Values);
            }

            // The summary's one pass (texts and keys of one name merged in memory) counts the same.
            var fields = Enum.GetValues<EventField>();
            var summary = await Store.SummarizeAsync(query, Hours, fields, 2, CancellationToken.None);
            Assert.Equal(Histogram(listed, Hours.Within(query)), Sorted(summary.Counts));
            for (var i = 0; i < fields.Length; i++)
            {
                var alone = await Store.CountByValueAsync(query, fields[i], 2, CancellationToken.None);
                Assert.Equal((alone.Total, alone.Distinct), (summary.Values[i].Total, summary.Values[i].Distinct));
                Assert.Equal(alone.Values, summary.Values[i].Values);
            }
        }
    }

    private static BucketCount[] Histogram(IEnumerable<StoredEvent> events, EventQuery within) =>
        Sorted(events.Where(e => e.Timestamp >= within.From && e.Timestamp <= within.To)
            .GroupBy(e => ((int)((e.Timestamp - Hours.Start).Ticks / Hours.Width.Ticks), e.Level))
            .Select(g => new BucketCount(g.Key.Item1, g.Key.Level, g.Count())));

    private static BucketCount[] Sorted(IEnumerable<BucketCount> counts) => [.. counts.OrderBy(c => c.Bucket).ThenBy(c => c.Level)];

    private static string? Value(StoredEvent e, EventField field) => field switch
    {
        EventField.User => e.User,
        EventField.App => e.App,
        EventField.Version => VersionLabel.Of(e.App, e.Version),
        EventField.Machine => e.Machine,
        EventField.Category => e.Category,
        EventField.Template => e.Template ?? e.Message,
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private async Task<SqliteEventStore> OpenAsync()
    {
        var store = new SqliteEventStore(_data.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private List<string> Plan(Action<SqliteCommand> build)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var attach = connection.CreateCommand();
        attach.CommandText = $"ATTACH DATABASE '{Path.Combine(_data.Path, SqliteFtsIndexer.FileName)}' AS fts";
        attach.ExecuteNonQuery();
        return SqlitePlans.Of(connection, build);
    }

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
