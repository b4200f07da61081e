using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Storage;

/// <summary>
/// The data folders that released collectors wrote (<c>Fixtures/Released/sqlite-v{schema}-{commit}</c>: the same mix
/// ingested by the build of that commit, dumped as SQL; README there), opened by this version: every event, user, level
/// rule and alert state is still there and answers as the same mix written by this version does (the counts below were
/// read from one), new writes go in beside them and a resend of an old batch is still known, and the next start
/// upgrades nothing again.
/// </summary>
public sealed class ReleasedSqliteFileTests : IDisposable
{
    /// <summary>After the fixtures' level rules were made (2026-12-06, 00:16–00:29 UTC) and before the first expired.</summary>
    private static readonly DateTimeOffset RulesLive = new(2026, 12, 6, 1, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _data = new();

    /// <summary>Each release's folder, and the id of the first batch its build stored (the fixture script's uuid5 of "{commit}-0").</summary>
    public static TheoryData<string, string> Releases => new()
    {
        { "sqlite-v2-7cc7c39", "fb7e1acd973c540da0279b7a4882a331" },
        { "sqlite-v4-f892336", "818a6ce1b6765a87a7d1c1769076bcf5" },
        { "sqlite-v8-2bfe4c0", "41be93c4f1f851e19e179aba40f1346f" },
        { "sqlite-v10-bcb5ce4", "e48e5080d485503f996afaae3c5aaac7" },
    };

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    [Theory]
    [MemberData(nameof(Releases))]
    public async Task Start_OnAReleasedVersionsFolder_KeepsAndAnswersEverything(string release, string oldBatchId)
    {
        var commit = release[(release.LastIndexOf('-') + 1)..];
        var files = Restore(release);

        await using (var collector = await StartAsync())
        {
            await AssertAnswersAsync(collector);
            await AssertRulesAndStateAsync(collector, files);

            // New writes beside the old rows: a new event stored and found; the resend of a batch the old build stored
            // (same batch id) and an old event's (instanceId, sequence) again are each stored once.
            var resend = await (await collector.PostJsonAsync("log/billing", new { batchId = oldBatchId, app = "Shop", instanceId = commit + "-inst-0", events = new[] { new { timestamp = "2026-12-05T22:00:00Z", level = "Trace", category = "x", message = "resent", sequence = 1 } } }, oldBatchId)).Content.ReadAsStringAsync();
            var again = await collector.PostJsonAsync("log/billing", new { batchId = "a1", instanceId = commit + "-inst-0", events = new[] { new { timestamp = "2026-12-05T22:00:00Z", level = "Trace", category = "x", message = "same sequence", sequence = 1 } } }, "a1");
            var added = await collector.PostJsonAsync("log/alice", new { batchId = "a2", app = "Shop", user = "alice", instanceId = "after-upgrade", events = new[] { new { timestamp = "2026-12-06T09:00:00Z", level = "Error", category = "x", message = "written after the upgrade", sequence = 1 } } }, "a2");

            Assert.Contains("\"duplicate\":true", resend, StringComparison.Ordinal);
            Assert.True(again.IsSuccessStatusCode && added.IsSuccessStatusCode, collector.Log.Text());
            Assert.Equal(132, (await collector.EventsAsync()).Count);
            Assert.Equal("written after the upgrade", Assert.Single(await collector.EventsAsync("q=upgrade")).GetProperty("message").GetString());
            Assert.Equal(54, (await collector.EventsAsync("user=ALICE")).Count);
        }

        var upgraded = SchemaCookie();
        await using (var collector = await StartAsync())
        {
            Assert.Equal(132, (await collector.EventsAsync()).Count);
        }

        Assert.Equal(upgraded, SchemaCookie()); // the second start changed no table or index: nothing upgraded again
        Assert.Equal(11L, Scalar("PRAGMA user_version"));
    }

    /// <summary>The counts and users of the fixtures' mix (scripts: README in the fixtures' folder), read from this version's store of it.</summary>
    internal static async Task AssertAnswersAsync(CollectorFixture collector)
    {
        foreach (var (query, count) in ((string, int)[])[
            (string.Empty, 131), ("q=timeout", 40), ("q=ZeroDivisionError", 1), ("q=48151605", 1), ("q=zo%C3%AB", 48), ("q=slow+disk", 5),
            ("user=ALICE", 53), ("user=carol", 14), ("user=erin", 3), ("property=OrderId%3D48151606", 1),
            ("property=Order.Customer.Name%3DZo%C3%AB", 48), ("app=Billing&level=Warning", 27), ("path=shop/", 60),
            ("traceId=a0000000000000000000000000000007", 1), ("template=%7BWord%7D+number+%7BN%7D+for+order+%7BOrderId%7D", 96)])
        {
            var found = (await collector.EventsAsync(query)).Count;
            Assert.True(count == found, $"{query}: expected {count}, got {found}");
        }

        var users = (await collector.GetJsonAsync("api/users?sort=latestError")).GetProperty("users").EnumerateArray()
            .Select(u => $"{u.GetProperty("user").GetString()} {u.GetProperty("total").GetInt64()} {(u.TryGetProperty("latestError", out var e) && e.ValueKind == JsonValueKind.Object ? e.GetProperty("message").GetString() : "-")}")
            .ToList();
        Assert.Equal(
            [
                "Alice 35 payment number 119 for order 48151719", "py 3 Paid 400 to emp4", "erin 3 Paid 300 to emp3",
                "Zoë 17 payment number 95 for order 48151695", "shop 18 payment number 77 for order 48151677",
                "Bob 18 payment number 59 for order 48151659", "alice 18 payment number 35 for order 48151635", "dave 5 -", "carol 14 -",
            ],
            users);
    }

    private static async Task AssertRulesAndStateAsync(CollectorFixture collector, string[] files)
    {
        var rules = collector.Services.GetRequiredService<ILevelRuleStore>();
        var live = await rules.ListLiveAsync(RulesLive, CancellationToken.None);
        var audit = await rules.AuditAsync(100, CancellationToken.None);
        var state = await collector.Services.GetRequiredService<IAlertStateStore>().LoadAsync(CancellationToken.None);
        var hadRules = files.Contains("levels.sql");

        Assert.Equal(hadRules ? ["alice Debug", "Billing Trace"] : [], live.Select(r => $"{r.User ?? r.App} {r.Level}"));
        Assert.Equal(hadRules ? 2 : 0, audit.Count);
        if (files.Contains("alerts.sql"))
        {
            Assert.NotNull(state["Errors"].PendingFrom); // a failed notification, sent again at the next evaluation
        }
    }

    /// <summary>Makes each file of the release's folder (<c>collector.sql</c> → <c>collector.db</c>); returns the SQL files' names.</summary>
    private string[] Restore(string release)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Storage", "Fixtures", "Released", release);
        var files = Directory.GetFiles(folder, "*.sql").Select(Path.GetFileName).ToArray();
        foreach (var file in files)
        {
            using var connection = new SqliteConnection($"Data Source={Path.Combine(_data.Path, Path.ChangeExtension(file!, ".db"))};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = File.ReadAllText(Path.Combine(folder, file!));
            command.ExecuteNonQuery();
        }

        return files!;
    }

    private Task<CollectorFixture> StartAsync() =>
        CollectorFixture.StartInAsync(_data.Path, "--Collector:Retention:MaxAge=3650.00:00:00");

    /// <summary>SQLite's schema cookie: changed by every change of a table or an index.</summary>
    private long SchemaCookie() => Scalar("PRAGMA schema_version");

    private long Scalar(string sql)
    {
        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_data.Path, SqliteEventStore.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
