using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// Files of older schema versions, built from version 4's schema (<c>Fixtures/sqlite-schema-v4.sql</c>, the text of
/// <see cref="SqliteSchema.Create"/> before integer keys) with rows in that version's text columns, are brought to
/// the current version at the next start and answer every query as a file written by the current version does.
/// </summary>
public sealed class SchemaUpgradeTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _old = new();
    private readonly TempDirectory _current = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _old.Dispose();
        _current.Dispose();
    }

    [Fact]
    public async Task Start_OnVersion4Database_ConvertsToKeysAndAnswersAsTheCurrentSchema()
    {
        var stored = await StoreTwiceAsync();

        await AssertAnswersAlikeAsync(stored);
        Assert.Equal(stored.Max(e => e.Id), Scalar(_old.Path, "SELECT min(last_id) FROM instances"));
    }

    [Fact]
    public async Task Start_OnVersion5Database_SetsInstanceLastIdsAndAnswersAsTheCurrentSchema()
    {
        List<StoredEvent> stored;
        await using (var current = await OpenAsync(_current.Path))
        {
            await current.AppendAsync(new EventBatch(null, MixedEvents()), CancellationToken.None);
            stored = [.. (await current.QueryAsync(new EventQuery { Limit = 1000 }, CancellationToken.None)).Events];
        }

        CreateVersion5(_current.Path);
        var version = UserVersion(_old.Path);

        await AssertAnswersAlikeAsync(stored);
        Assert.Equal(5L, version);
        Assert.Equal(2L, Scalar(_old.Path, $"SELECT count(*) FROM instances WHERE last_id = {stored.Max(e => e.Id)}"));
    }

    [Fact]
    public async Task Start_OnVersion8Database_KeepsItsTextsAndCountsThemWithTheKeysOfNewEvents()
    {
        // Version 8 held category and template as text in every row; version 9 adds their keys and rewrites no row, so
        // an upgraded file holds both forms: each event reads, filters and counts as one written whole by version 9.
        var first = MixedEvents();
        var second = MixedEvents(hoursLater: 1);
        await using (var current = await OpenAsync(_old.Path))
        {
            await current.AppendAsync(new EventBatch(null, first), CancellationToken.None);
        }

        Execute(_old.Path, """
            UPDATE events SET category = (SELECT name FROM categories WHERE id = category_key),
                template = CASE WHEN template_key = 0 THEN message ELSE (SELECT name FROM templates WHERE id = template_key) END;
            CREATE INDEX ix_events_user_key ON events (user_key);
            DROP INDEX ix_events_user;
            DROP INDEX ix_events_template_key;
            DROP INDEX ix_events_category_key;
            ALTER TABLE events DROP COLUMN category_key;
            ALTER TABLE events DROP COLUMN template_key;
            DROP TABLE categories;
            DROP TABLE templates;
            PRAGMA user_version = 8;
            """);
        var version = UserVersion(_old.Path);
        await using (var upgraded = await OpenAsync(_old.Path))
        {
            await upgraded.AppendAsync(new EventBatch(null, second), CancellationToken.None);
        }

        List<StoredEvent> stored;
        await using (var reference = await OpenAsync(_current.Path))
        {
            await reference.AppendAsync(new EventBatch(null, first), CancellationToken.None);
            await reference.AppendAsync(new EventBatch(null, second), CancellationToken.None);
            stored = [.. (await reference.QueryAsync(new EventQuery { Limit = 1000 }, CancellationToken.None)).Events];
        }

        await AssertAnswersAlikeAsync(stored);
        Assert.Equal(8L, version);
        Assert.Equal(first.Count(e => e.Category is not null), Scalar(_old.Path, "SELECT count(*) FROM events WHERE category IS NOT NULL"));
        Assert.Equal(1L, Scalar(_old.Path, "SELECT count(*) FROM categories"));
        Assert.Equal(1L, Scalar(_old.Path, "SELECT count(*) FROM templates")); // a template that is its message gets no name
    }

    [Fact]
    public async Task Start_OnVersion9Database_SaysOnceThatItBuildsTheUserIndexOverHowManyEvents()
    {
        // Minutes for tens of millions of events, and ~30 bytes more per event: said first (id 16), not a silent start.
        var events = MixedEvents();
        await using (var current = await OpenAsync(_old.Path))
        {
            await current.AppendAsync(new EventBatch(null, events), CancellationToken.None);
        }

        Execute(_old.Path, "CREATE INDEX ix_events_user_key ON events (user_key); DROP INDEX ix_events_user; PRAGMA user_version = 9;");
        var upgrade = new StoreLog();
        await using (await OpenAsync(_old.Path, upgrade))
        {
        }

        var line = Assert.Single(upgrade.Lines, l => l.Id == 16);
        Assert.Contains($"over {events.Count} events, once", line.Message, StringComparison.Ordinal);
        var next = new StoreLog();
        await using (await OpenAsync(_old.Path, next))
        {
        }

        Assert.DoesNotContain(next.Lines, l => l.Id == 16);
        var fresh = new StoreLog();
        using var empty = new TempDirectory();
        await using (await OpenAsync(empty.Path, fresh))
        {
        }

        Assert.DoesNotContain(fresh.Lines, l => l.Id == 16); // a new store has no events to index
    }

    [Fact]
    public async Task Start_OnNewerSchema_RefusesNamingBothVersionsAndLeavesTheFileAsItWas()
    {
        // An older build on a folder a newer one wrote: it served the file and set user_version back to its own.
        await using (var current = await OpenAsync(_current.Path))
        {
            await current.AppendAsync(new EventBatch(null, MixedEvents()), CancellationToken.None);
        }

        var newer = SqliteSchema.Version + 1;
        Execute(_current.Path, $"PRAGMA user_version = {newer}");
        SqliteConnection.ClearAllPools();

        await using var store = new SqliteEventStore(_current.Path, TimeProvider.System, NullLogger<SqliteEventStore>.Instance);
        var refused = await Assert.ThrowsAsync<CollectorConfigurationException>(() => store.InitializeAsync(CancellationToken.None));

        Assert.Contains($"schema version {newer}; this collector knows up to {SqliteSchema.Version}", refused.Message, StringComparison.Ordinal);
        Assert.Contains(SqliteEventStore.FileName, refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<EventStoreUnavailableException>(() => store.AppendAsync(new EventBatch(null, MixedEvents()), CancellationToken.None));
        SqliteConnection.ClearAllPools();
        Assert.Equal(newer, UserVersion(_current.Path));
    }

    [Fact]
    public async Task Start_NewDatabase_IsTheCurrentVersionAndAnEventRaisesItsInstanceLastId()
    {
        await using (var store = await OpenAsync(_current.Path))
        {
            await store.AppendAsync(new EventBatch(null, [new NewEvent { Timestamp = T0, Level = LogLevel.Information, Message = "first", InstanceId = "i-1", Sequence = 1 }]), CancellationToken.None);
        }

        Assert.Equal(11L, UserVersion(_current.Path));
        Assert.Equal(11, SqliteSchema.Version);
        Assert.Equal(SqliteEventIds.Create(T0, SqliteEventIds.CounterMask), Scalar(_current.Path, "SELECT last_id FROM instances WHERE name = 'i-1'"));
    }

    /// <summary>Every query, user page, event and context of <paramref name="stored"/> read from <see cref="_old"/> (upgraded) and from <see cref="_current"/>.</summary>
    private async Task AssertAnswersAlikeAsync(List<StoredEvent> stored)
    {
        await using var upgraded = await OpenAsync(_old.Path);
        await using var reference = await OpenAsync(_current.Path);
        foreach (var query in Queries(stored))
        {
            Assert.Equal(Json(await reference.QueryAsync(query, CancellationToken.None)), Json(await upgraded.QueryAsync(query, CancellationToken.None)));
        }

        foreach (var query in UserQueries())
        {
            Assert.Equal(Json(await reference.GetUsersAsync(query, CancellationToken.None)), Json(await upgraded.GetUsersAsync(query, CancellationToken.None)));
        }

        foreach (var field in Enum.GetValues<EventField>())
        {
            foreach (var query in (EventQuery[])[new(), new() { MinLevel = LogLevel.Error }, new() { Template = "{Word} number {N}" }])
            {
                Assert.Equal(Json(await reference.CountByValueAsync(query, field, 10, CancellationToken.None)), Json(await upgraded.CountByValueAsync(query, field, 10, CancellationToken.None)));
            }
        }

        foreach (var e in stored)
        {
            Assert.Equal(Json(await reference.GetEventAsync(e.Id, CancellationToken.None)), Json(await upgraded.GetEventAsync(e.Id, CancellationToken.None)));
            Assert.Equal(Json(await reference.GetContextAsync(e.Id, 2, CancellationToken.None)), Json(await upgraded.GetContextAsync(e.Id, 2, CancellationToken.None)));
        }

        Assert.Equal(SqliteSchema.Version, UserVersion(_old.Path));
    }

    [Fact]
    public async Task Append_AfterConversion_KnownSequenceSkippedAndNamesReused()
    {
        var stored = await StoreTwiceAsync();
        await using var upgraded = await OpenAsync(_old.Path);

        var known = stored.First(e => e.InstanceId == "i-1");
        var result = await upgraded.AppendAsync(new EventBatch(null, [
            new NewEvent { Timestamp = T0.AddHours(2), Level = LogLevel.Information, Message = "again", App = known.App, User = known.User, InstanceId = "i-1", Sequence = known.Sequence },
            new NewEvent { Timestamp = T0.AddHours(2), Level = LogLevel.Information, Message = "new one", App = "Shop", User = "alice", Machine = "web-1", Path = "shop/orders", InstanceId = "i-1", Sequence = 999 },
        ]), CancellationToken.None);
        var forAlice = (await upgraded.QueryAsync(new EventQuery { User = "ALICE", App = "Shop", PathPrefix = "shop/", InstanceId = "i-1", Limit = 1000 }, CancellationToken.None)).Events;

        Assert.Equal(1, result.Stored);
        Assert.Equal("new one", forAlice[0].Message);
        Assert.Equal(stored.Count(e => e.User is "alice" or "Alice" && e.App == "Shop" && e.Path!.StartsWith("shop/", StringComparison.Ordinal) && e.InstanceId == "i-1") + 1, forAlice.Count);
        Assert.Equal(3L, Scalar(_old.Path, "SELECT count(*) FROM apps")); // Shop, shop, Billing: no name twice
        Assert.Equal(3L, Scalar(_old.Path, "SELECT count(*) FROM user_names")); // Alice, alice, Bob
    }

    [Fact]
    public async Task Start_OnVersion2Database_BackfillsLatestErrorsAndIndexesExceptions()
    {
        CreateVersion4(
            [
                new StoredEvent { Id = SqliteEventIds.Create(SqliteEventIds.Milliseconds(T0), 0), Timestamp = T0, Level = LogLevel.Error, Message = "first failure", User = "Alice" },
                new StoredEvent { Id = SqliteEventIds.Create(SqliteEventIds.Milliseconds(T0.AddMinutes(5)), 1), Timestamp = T0.AddMinutes(5), Level = LogLevel.Critical, Message = "run failed", User = "Alice", ExceptionJson = """{"type":"ZeroDivisionError","message":"division by zero","text":"Traceback...\nZeroDivisionError: division by zero"}""" },
                new StoredEvent { Id = SqliteEventIds.Create(SqliteEventIds.Milliseconds(T0.AddMinutes(9)), 2), Timestamp = T0.AddMinutes(9), Level = LogLevel.Information, Message = "still here", User = "Alice" },
            ],
            "INSERT INTO users VALUES ('Alice', " + T0.UtcTicks + ", " + T0.AddMinutes(9).UtcTicks + ", NULL, NULL, 3, 0, 0, 1, 0, 1, 1, NULL, NULL)");
        Execute(_old.Path, """
            DROP INDEX ix_users_last_error;
            ALTER TABLE users DROP COLUMN last_error_id;
            ALTER TABLE users DROP COLUMN last_error_ts;
            DROP INDEX ix_users_user_nocase;
            DROP INDEX ix_events_user_nocase;
            CREATE INDEX ix_events_user ON events (user);
            PRAGMA user_version = 2;
            """);

        await using var store = await OpenAsync(_old.Path);
        var found = (await store.QueryAsync(new EventQuery { Words = ["ZeroDivisionError"] }, CancellationToken.None)).Events;
        var forUser = (await store.QueryAsync(new EventQuery { User = "alice" }, CancellationToken.None)).Events;
        var users = (await store.GetUsersAsync(new UserQuery { WindowFrom = T0, WindowTo = T0.AddHours(1), Sort = UserSort.LatestError }, CancellationToken.None)).Users;

        Assert.Equal("run failed", Assert.Single(found).Message);
        Assert.Equal(3, forUser.Count);
        Assert.Equal("run failed", Assert.Single(users).LatestError!.Message);
    }

    /// <summary>
    /// The same events, stored by the current writer in <see cref="_current"/> and as version 4 rows (same ids, same
    /// users table) in <see cref="_old"/>; returns them as stored.
    /// </summary>
    private async Task<List<StoredEvent>> StoreTwiceAsync()
    {
        List<StoredEvent> stored;
        await using (var current = await OpenAsync(_current.Path))
        {
            await current.AppendAsync(new EventBatch(null, MixedEvents()), CancellationToken.None);
            stored = [.. (await current.QueryAsync(new EventQuery { Limit = 1000 }, CancellationToken.None)).Events];
        }

        CreateVersion4(stored, CopyUsers(_current.Path));
        return stored;
    }

    /// <summary>Names in two cases, nulls, glob characters in paths, two instances, every level, exceptions, an hour of time.</summary>
    private static List<NewEvent> MixedEvents(int hoursLater = 0)
    {
        string?[] apps = ["Shop", "shop", "Billing", null];
        string?[] users = ["Alice", "alice", "Bob", null, "Alice"];
        string?[] machines = ["web-1", "web-2", null];
        string?[] paths = ["shop/orders", "shop/orders/eu", "billing", "sh*p", "shop/"];
        string?[] versions = ["1.0", "2.0", null];
        string?[] instances = ["i-1", "i-2", null];
        string[] words = ["timeout", "invoice", "payment"];
        return [.. Enumerable.Range(0, 120).Select(i => new NewEvent
        {
            Timestamp = T0.AddHours(hoursLater).AddSeconds(i * 29 % 3600),
            Level = (LogLevel)(i % 6),
            Category = i % 4 == 0 ? null : "Shop.Orders",
            Message = $"{words[i % 3]} number {i}",
            Template = i % 5 == 0 ? null : i % 7 == 1 ? $"{words[i % 3]} number {i}" : "{Word} number {N}", // the message itself: no holes
            ExceptionJson = i % 6 >= 4 ? $$"""{"type":"KeyError","message":"rate {{i}}","text":"Traceback\nKeyError: rate {{i}}"}""" : null,
            PropertiesJson = i % 3 == 0 ? $$"""{"N":{{i}}}""" : null,
            ContextJson = i % 7 == 0 ? """{"threadId":3}""" : null,
            App = apps[i % apps.Length],
            Version = versions[i % versions.Length],
            User = users[i % users.Length],
            Machine = machines[i % machines.Length],
            Path = paths[i % paths.Length],
            InstanceId = instances[i % instances.Length],
            Sequence = i % instances.Length == 2 ? null : i + (1000 * hoursLater),
        })];
    }

    private static IEnumerable<EventQuery> Queries(List<StoredEvent> stored)
    {
        var middle = stored[stored.Count / 2];
        EventQuery[] filters =
        [
            new(), new() { App = "Shop" }, new() { App = "shop" }, new() { App = "nope" },
            new() { User = "alice" }, new() { User = "ALICE" }, new() { User = "bob" }, new() { User = "nobody" },
            new() { Machine = "web-1" }, new() { Machine = "web-9" }, new() { InstanceId = "i-1" },
            new() { PathPrefix = "shop/orders" }, new() { PathPrefix = "sh*" }, new() { PathPrefix = "shop/orders/e" }, new() { PathPrefix = "billing" },
            new() { MinLevel = LogLevel.Warning }, new() { Levels = [LogLevel.Error, LogLevel.Debug] },
            new() { From = T0.AddMinutes(10), To = T0.AddMinutes(40) },
            new() { Words = ["timeout"] }, new() { Words = ["KeyError"], User = "Alice" }, new() { Words = ["invoice"], App = "Billing", Machine = "web-2" },
            new() { Words = ["pay*"], PathPrefix = "shop" }, new() { Ids = [stored[0].Id, middle.Id, stored[^1].Id] },
            new() { User = "alice", App = "Shop", Machine = "web-1", MinLevel = LogLevel.Debug },
            new() { Template = "{Word} number {N}" }, new() { Template = "invoice number 1" }, new() { Template = "payment number 5" },
            new() { Template = "{Word} number {N}", User = "bob", Words = ["timeout"] },
        ];
        foreach (var filter in filters)
        {
            yield return filter with { Limit = 1000 };
            yield return filter with { Limit = 3 };
            yield return filter with { Limit = 3, Before = middle.Cursor };
        }
    }

    private static IEnumerable<UserQuery> UserQueries()
    {
        foreach (var sort in (UserSort[])[UserSort.LastSeen, UserSort.Name, UserSort.LatestError])
        {
            yield return new UserQuery { Sort = sort, WindowFrom = T0, WindowTo = T0.AddHours(1) };
            yield return new UserQuery { Sort = sort, WindowFrom = T0.AddMinutes(20), WindowTo = T0.AddMinutes(30), Limit = 2 };
            yield return new UserQuery { Sort = sort, WindowFrom = T0, WindowTo = T0.AddHours(1), Search = "ALI" };
        }
    }

    /// <summary>Version 4's file in <see cref="_old"/>: its schema, the events in its text columns, then <paramref name="users"/> (SQL).</summary>
    private void CreateVersion4(IEnumerable<StoredEvent> events, string users)
    {
        var path = Path.Combine(_old.Path, SqliteEventStore.FileName);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.CommandText = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Storage", "Fixtures", "sqlite-schema-v4.sql"))
            .Replace("PRAGMA journal_mode = WAL;", string.Empty, StringComparison.Ordinal); // not inside a transaction
        command.ExecuteNonQuery();
        command.CommandText = """
            INSERT INTO events
                (id, ts, level, category, message, template, exception, properties, context,
                 app, version, user, machine, path, instance_id, sequence, received)
            VALUES
                ($id, $ts, $level, $category, $message, $template, $exception, $properties, $context,
                 $app, $version, $user, $machine, $path, $instance_id, $sequence, $ts)
            """;
        foreach (var e in events)
        {
            command.Parameters.Clear();
            foreach (var (name, value) in (ReadOnlySpan<(string, object?)>)[
                ("$id", e.Id), ("$ts", e.Timestamp.UtcTicks), ("$level", (int)e.Level), ("$category", e.Category), ("$message", e.Message),
                ("$template", e.Template), ("$exception", e.ExceptionJson), ("$properties", e.PropertiesJson), ("$context", e.ContextJson),
                ("$app", e.App), ("$version", e.Version), ("$user", e.User), ("$machine", e.Machine), ("$path", e.Path),
                ("$instance_id", e.InstanceId), ("$sequence", e.Sequence)])
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            command.ExecuteNonQuery();
        }

        command.Parameters.Clear();
        command.CommandText = users;
        command.ExecuteNonQuery();
        transaction.Commit();
        command.Transaction = null;
        command.CommandText = "PRAGMA journal_mode = WAL";
        command.ExecuteNonQuery();
    }

    /// <summary>Version 5's file in <see cref="_old"/>: its schema, and every row of <paramref name="currentDirectory"/>'s tables but the full-text queue.</summary>
    private void CreateVersion5(string currentDirectory)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_old.Path, SqliteEventStore.FileName)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Storage", "Fixtures", "sqlite-schema-v5.sql"));
        command.ExecuteNonQuery();
        command.CommandText = "ATTACH DATABASE $path AS current";
        command.Parameters.AddWithValue("$path", Path.Combine(currentDirectory, SqliteEventStore.FileName));
        command.ExecuteNonQuery();
        command.Parameters.Clear();
        command.CommandText = """
            BEGIN;
            INSERT INTO apps SELECT * FROM current.apps;
            INSERT INTO versions SELECT * FROM current.versions;
            INSERT INTO user_names SELECT * FROM current.user_names;
            INSERT INTO machines SELECT * FROM current.machines;
            INSERT INTO paths SELECT * FROM current.paths;
            INSERT INTO instances (id, name) SELECT id, name FROM current.instances;
            INSERT INTO events SELECT id, ts, level, app_key, version_key, user_key, machine_key, path_key, instance_key, sequence, received,
                coalesce(category, (SELECT name FROM current.categories WHERE id = category_key)), message,
                CASE WHEN template_key = 0 THEN message ELSE coalesce(template, (SELECT name FROM current.templates WHERE id = template_key)) END,
                exception, properties, context FROM current.events;
            INSERT INTO users SELECT * FROM current.users;
            INSERT INTO batches SELECT * FROM current.batches;
            INSERT INTO id_spill SELECT * FROM current.id_spill;
            COMMIT;
            DETACH DATABASE current;
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>The users table of a directory as INSERT statements (its columns are the same in versions 4 and 5).</summary>
    private static string CopyUsers(string directory)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, SqliteEventStore.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 'INSERT INTO users VALUES (' || quote(user) || ', ' || first_seen || ', ' || last_seen || ', ' || quote(last_app) || ', ' || quote(last_machine) || ', ' || total || ', ' || n0 || ', ' || n1 || ', ' || n2 || ', ' || n3 || ', ' || n4 || ', ' || n5 || ', ' || quote(last_error_id) || ', ' || quote(last_error_ts) || ');' FROM users";
        var inserts = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            inserts.Add(reader.GetString(0));
        }

        return string.Join('\n', inserts);
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);

    private static long UserVersion(string directory) => Scalar(directory, "PRAGMA user_version");

    private static long Scalar(string directory, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, SqliteEventStore.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : 0;
    }

    private static void Execute(string directory, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, SqliteEventStore.FileName)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static async Task<SqliteEventStore> OpenAsync(string directory, ILogger<SqliteEventStore>? logger = null)
    {
        var store = new SqliteEventStore(directory, TimeProvider.System, logger ?? NullLogger<SqliteEventStore>.Instance);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    /// <summary>The store's log lines at Information and above, with their event ids.</summary>
    private sealed class StoreLog : ILogger<SqliteEventStore>
    {
        public List<(int Id, string Message)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add((eventId.Id, formatter(state, exception)));
            }
        }
    }
}
