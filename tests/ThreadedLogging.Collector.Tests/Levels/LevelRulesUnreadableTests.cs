using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Collector.Levels;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Levels;

/// <summary>
/// Level rules when the data folder's file cannot be read or written. A client asking for its levels was answered 200
/// with no rules (which ends the rules it has) while none could be read since the start, and a change of the rules on a
/// full disk was an empty 500. Now: 503 with the reason and Retry-After (a client keeps its rules on any answer that is
/// not a 2xx), ingest stores the batch and its answer carries no levels (null: kept too), and a change's 503 says the
/// disk is full.
/// </summary>
public sealed class LevelRulesUnreadableTests
{
    [Fact]
    public async Task LevelsFileNotADatabase_EffectiveIs503WithTheReason_IngestStoredWithoutLevels()
    {
        await using var collector = await CollectorFixture.StartAsync();
        // A real fault: levels.db (not opened before the first rules are read) is no SQLite file, as a restore gone wrong leaves it.
        await File.WriteAllTextAsync(Path.Combine(collector.DataDirectory, SqliteLevelRuleStore.FileName), new string('x', 4096));

        using var effective = await collector.Client.GetAsync("api/levels/effective?app=Payroll&user=alice");
        var (ingest, answer) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", Http.Utf8(Http.Envelope(null, new { timestamp = DateTimeOffset.UtcNow, level = "Error", message = "stored" })), "application/json");
        using var listed = await collector.Client.GetAsync("api/levels");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, effective.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), effective.Headers.RetryAfter?.Delta);
        var reason = Http.Error(await effective.Content.ReadAsStringAsync());
        Assert.StartsWith("the level rules cannot be read now (", reason, StringComparison.Ordinal);
        Assert.Contains("a file of the data folder cannot be read or written (SQLite Error 26: 'file is not a database'.)", reason, StringComparison.Ordinal); // the store's words, as its other 503s
        Assert.EndsWith("a client keeps the rules it has", reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ingest);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(answer).RootElement.GetProperty("levels").ValueKind);
        Assert.Equal(["stored"], (await collector.EventsAsync("user=alice")).Select(e => e.GetProperty("message").GetString()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, listed.StatusCode);
        Assert.Contains("a file of the data folder cannot be read or written", Http.Error(await listed.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    /// <summary>A full disk, which nothing in a test can make of a real folder: the real store, its write refused as SQLite refuses it.</summary>
    [Fact]
    public async Task NewRuleOnAFullDisk_503SayingTheDiskIsFull_RulesReadAsBefore()
    {
        await using var collector = await CollectorFixture.StartAsync(services =>
            services.AddSingleton<ILevelRuleStore>(provider => new FullDiskLevelRuleStore(new SqliteLevelRuleStore(provider.GetRequiredService<CollectorOptions>().DataDirectory))));

        using var created = await collector.Client.PostAsJsonAsync("api/levels", new { user = "alice", level = "Debug", duration = "01:00:00" });
        using var effective = await collector.Client.GetAsync("api/levels/effective?user=alice");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, created.StatusCode);
        Assert.NotNull(created.Headers.RetryAfter);
        Assert.Contains("the data folder's disk is full (SQLite Error 13: 'database or disk is full'.)", Http.Error(await created.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, effective.StatusCode);
    }

    /// <summary>
    /// review13: "Level rules could not be read" (300) was logged at each read the collector tried, every 5 s (12 lines in
    /// 80 s while the disk was full). It is said once when the reads start failing and once when one succeeds again (302),
    /// with how many failed meanwhile.
    /// </summary>
    [Fact]
    public async Task Get_ReadsFailingThenReadAgain_SaidOnceWhenTheyStartOnceWhenTheyEndWithTheCount()
    {
        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, SqliteLevelRuleStore.FileName);
        await File.WriteAllTextAsync(file, new string('x', 4096)); // a real fault: levels.db is no SQLite file
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var log = new CollectingLoggerProvider(LogLevel.Information);
        using var loggers = new LoggerFactory([log]);
        var cache = new LevelRuleCache(new SqliteLevelRuleStore(data.Path), new OpenFileAvailability(), clock, loggers.CreateLogger<LevelRuleCache>());

        for (var read = 0; read < 12; read++)
        {
            Assert.Null(await cache.GetAsync(CancellationToken.None)); // none read since the start
            clock.Advance(LevelRuleCache.RefreshInterval);
        }

        await File.WriteAllBytesAsync(file, []); // emptied in place (the file a pooled connection has open): a new database
        var rules = await cache.GetAsync(CancellationToken.None);
        clock.Advance(LevelRuleCache.RefreshInterval);
        await cache.GetAsync(CancellationToken.None);

        Assert.Equal([], rules);
        Assert.Collection(
            log.Entries,
            e => Assert.Equal((LogLevel.Warning, "Level rules could not be read; the last known rules stay in force, and a read is tried again every 5 s (said once, then when they are read again, id 302): SQLite Error 26: 'file is not a database'."), (e.Level, e.Message)),
            e => Assert.Equal((LogLevel.Information, "Level rules read again after 60 s; 12 reads failed meanwhile"), (e.Level, e.Message))); // before: 12 Warnings, nothing when they were read again
    }

    private sealed class FullDiskLevelRuleStore(ILevelRuleStore store) : ILevelRuleStore
    {
        public Task<LevelRule> AddAsync(LevelRule rule, Func<LevelRule, string> describe, CancellationToken cancellationToken) =>
            throw new SqliteException("SQLite Error 13: 'database or disk is full'.", 13);

        public Task<IReadOnlyList<LevelRule>> ListLiveAsync(DateTimeOffset now, CancellationToken cancellationToken) => store.ListLiveAsync(now, cancellationToken);

        public Task<bool> RevokeAsync(long id, string by, DateTimeOffset now, CancellationToken cancellationToken) => store.RevokeAsync(id, by, now, cancellationToken);

        public Task<IReadOnlyList<LevelRuleChange>> AuditAsync(int limit, CancellationToken cancellationToken) => store.AuditAsync(limit, cancellationToken);
    }
}
