using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// Issue 13 end to end: the real collector process, the real client registered with MEL at Information. Support's
/// "Debug for alice" reaches alice's handler through the ingest answer; it expires on the client's own clock (a fake
/// one, advanced by the test), with or without the collector.
/// </summary>
public sealed class SupportLevelTests
{
    [Fact]
    public async Task Rule_DebugForAlice_AliceDebugArrivesBobsNotAndStopsAtExpiry()
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var alice = App(collector.Host, "alice", time);
        await using var bob = App(collector.Host, "bob", time);

        LogPair(alice, 1, 2);
        LogPair(bob, 1, 2);
        Flush(alice, bob);
        await CreateRuleAsync(collector, "alice", "00:10:00");
        LogPair(alice, 3, 4); // the answer to this batch carries the rule
        LogPair(bob, 3, 4);
        Flush(alice, bob);
        Assert.Equal(LogLevel.Debug, alice.Handler.Statistics.Level);
        Assert.NotNull(alice.Handler.Statistics.LevelRuleExpires);
        Assert.Equal((LogLevel.Information, (DateTimeOffset?)null), (bob.Handler.Statistics.Level, bob.Handler.Statistics.LevelRuleExpires));
        LogPair(alice, 5, 6);
        LogPair(bob, 5, 6);
        Flush(alice, bob);

        time.Advance(TimeSpan.FromMinutes(11)); // past the rule's expiry, on the client's clock
        LogPair(alice, 7, 8);
        Flush(alice, bob);

        Assert.Equal(LogLevel.Information, alice.Handler.Statistics.Level);
        Assert.Equal([2, 4, 5, 6, 8], await collector.EventNumbersAsync("alice"));
        Assert.Equal([2, 4, 6], await collector.EventNumbersAsync("bob"));
    }

    [Theory]
    [InlineData("machine", "PC-1")]
    [InlineData("version", "2.0")]
    public async Task Rule_ByMachineOrVersion_OnlyTheMatchingAppShipsDebug(string selector, string value)
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var first = App(collector.Host, "ann", time, machine: "PC-1", version: "1.0");
        await using var second = App(collector.Host, "carl", time, machine: "PC-2", version: "2.0");
        var matching = selector == "machine" ? "ann" : "carl";

        var rule = new Dictionary<string, string> { [selector] = value, ["level"] = "Debug", ["duration"] = "00:10:00" };
        using (var http = new HttpClient { BaseAddress = new Uri($"http://{collector.Host}") })
        using (var response = await http.PostAsJsonAsync("/api/levels", rule))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        LogPair(first, 1, 2); // the answers to these batches carry each identity's level
        LogPair(second, 1, 2);
        Flush(first, second);
        LogPair(first, 3, 4);
        LogPair(second, 3, 4);
        Flush(first, second);

        // Debug 1 was logged before any answer told the handler (polling is off here); the answer to batch 1 did.
        Assert.Equal([2, 3, 4], await collector.EventNumbersAsync(matching));
        Assert.Equal([2, 4], await collector.EventNumbersAsync(matching == "ann" ? "carl" : "ann"));
        Assert.Equal(LogLevel.Debug, (matching == "ann" ? first : second).Handler.Statistics.Level);
    }

    [Fact]
    public async Task Rule_CollectorStoppedBeforeExpiry_ClientRevertsAlone()
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var alice = App(collector.Host, "alice", time);
        await CreateRuleAsync(collector, "alice", "00:10:00");
        LogPair(alice, 1, 2);
        Flush(alice);
        var logger = alice.Factory.CreateLogger("Payroll");
        Assert.True(logger.IsEnabled(LogLevel.Debug));

        await collector.KillAsync();
        time.Advance(TimeSpan.FromMinutes(11));

        Assert.False(logger.IsEnabled(LogLevel.Debug));
        Assert.Equal((LogLevel.Information, (DateTimeOffset?)null), (alice.Handler.Statistics.Level, alice.Handler.Statistics.LevelRuleExpires));
    }

    [Fact]
    public async Task Start_RuleSetBeforeTheAppStarted_FirstDebugCallDelivered()
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();
        await CreateRuleAsync(collector, "bob", "00:10:00");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow); // the start's bound never passes: only the answer releases the hold

        await using var bob = App(collector.Host, "bob", time, TimeSpan.FromMinutes(1));
        await using var carl = App(collector.Host, "carl", time, TimeSpan.FromMinutes(1));
        LogPair(bob, 1, 2); // the first calls, before any poll interval and before any batch was answered
        LogPair(carl, 1, 2);
        Flush(bob, carl);

        Assert.Equal([1, 2], await collector.EventNumbersAsync("bob"));
        Assert.Equal([2], await collector.EventNumbersAsync("carl"));
        Assert.Equal((2L, 2L, 0L, LogLevel.Debug), Counts(bob));
        Assert.Equal((1L, 1L, 0L, LogLevel.Information), Counts(carl)); // carl's Debug was held, then left out: neither enqueued nor dropped
    }

    [Fact]
    public async Task Start_CollectorDownAtStart_CallsGoOnAndTheConfiguredLevelArrivesOnceItIsUp()
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();
        await using var proxy = await FaultProxy.StartAsync(collector.Host); // its address bound for the whole test
        proxy.Down = true; // every connection dropped, the start's poll too
        using var events = new LibraryEvents();
        await using var dave = App(proxy.Host, "dave", TimeProvider.System, TimeSpan.FromMinutes(1), configure: options =>
        {
            options.Interval = TimeSpan.FromHours(1); // sent at the flush, not before the collector is up
            options.MinRetryDelay = TimeSpan.FromMilliseconds(10);
            options.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
        });

        LogPair(dave, 1, 2); // the calls return whatever the start's poll does: failed, the hold ends, Debug 1 is left out
        await events.WaitForAsync("StartHoldReleased", dave.Handler); // by the failed poll: the collector was down for it
        proxy.Down = false;
        Flush(dave);

        Assert.Equal([2], await collector.EventNumbersAsync("dave"));
        Assert.Equal((1L, 1L, 0L, LogLevel.Information), Counts(dave));
    }

    [Fact]
    public async Task Poll_NothingToSend_RuleLearnedFromEffective()
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);

        using var events = new LibraryEvents();
        await using var alice = App(collector.Host, "alice", time, TimeSpan.FromMinutes(1));
        var logger = alice.Factory.CreateLogger("Payroll.Db");
        await events.WaitForAsync("StartHoldReleased", alice.Handler); // the start's answer (no rule) came; Debug was let in until then
        Assert.False(logger.IsEnabled(LogLevel.Debug));
        await CreateRuleAsync(collector, "alice", "00:10:00", category: "Payroll.Db");

        // A minute of the handler's clock without anything to send: it asks; the answer comes over the real network.
        time.Advance(TimeSpan.FromMinutes(1));
        await events.WaitForAsync("LevelRulesChanged", alice.Handler);
        Assert.True(logger.IsEnabled(LogLevel.Debug));

        Assert.Equal(0, alice.Handler.Statistics.Enqueued);
        Assert.False(alice.Factory.CreateLogger("Payroll.Ui").IsEnabled(LogLevel.Debug));
    }

    private static (long Enqueued, long Sent, long Dropped, LogLevel Level) Counts(ClientApp app)
    {
        var statistics = app.Handler.Statistics;
        return (statistics.Enqueued, statistics.Sent, statistics.Dropped, statistics.Level);
    }

    /// <summary>An app as users write it: MEL at Information, the handler added with <c>AddThreadedHttp</c>.</summary>
    private static ClientApp App(string host, string user, TimeProvider time, TimeSpan? poll = null, string? machine = null, string? version = null, Action<ThreadedHttpHandlerOptions>? configure = null)
    {
        var services = new ServiceCollection().AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddThreadedHttp(options =>
            {
                options.Host = host;
                options.Format = HttpLogFormat.JsonBatch;
                options.User = user;
                options.App = "Payroll";
                options.Machine = machine;
                options.Version = version;
                options.TimeProvider = time;
                options.LevelPollInterval = poll ?? TimeSpan.Zero;
                options.CaptureUnhandledExceptions = false; // exact counts (CONTRIBUTING.md)
                configure?.Invoke(options);
            }));
        var provider = services.BuildServiceProvider();
        return new ClientApp(provider, provider.GetRequiredService<ILoggerFactory>(), provider.GetServices<ILoggerProvider>().OfType<ThreadedHttpHandler>().Single());
    }

    /// <summary>Debug {N} = <paramref name="debug"/>, then Information {N} = <paramref name="information"/>.</summary>
    private static void LogPair(ClientApp app, int debug, int information)
    {
        var logger = app.Factory.CreateLogger("Payroll");
        logger.LogDebug("debug {N}", debug);
        logger.LogInformation("information {N}", information);
    }

    private static void Flush(params ClientApp[] apps)
    {
        foreach (var app in apps)
        {
            Assert.True(app.Handler.Flush(TimeSpan.FromMinutes(1)));
        }
    }

    private static async Task CreateRuleAsync(CollectorProcess collector, string user, string duration, string? category = null)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{collector.Host}") };
        using var response = await http.PostAsJsonAsync("/api/levels", new { user, category, level = "Debug", duration });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64() > 0);
    }

    private sealed record ClientApp(ServiceProvider Services, ILoggerFactory Factory, ThreadedHttpHandler Handler) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Services.DisposeAsync();
    }
}
