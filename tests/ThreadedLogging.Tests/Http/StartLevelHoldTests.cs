using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Http;

/// <summary>
/// The start's hold (<see cref="LevelHold"/>): a JsonBatch handler asks the collector for its levels at its start, and
/// until that answer (or <see cref="LevelPoller.FirstAnswerBound"/> on its clock) its calls below the configured level
/// are held, not dropped. Against a real Kestrel receiver whose level endpoint answers a rule, refuses, or waits on a gate.
/// </summary>
public sealed class StartLevelHoldTests
{
    private const string DebugForEveryCategory = """{"levels":[{"category":"","level":"Debug","expires":"2099-01-01T00:00:00Z"}]}""";

    [Fact]
    public async Task Start_RuleInFirstAnswer_HeldDebugCallsDeliveredInCallOrder()
    {
        await using var server = await LoopbackServer.StartAsync();
        var (_, gate) = GateLevelAnswers(server, DebugForEveryCategory); // the calls below are made before the answer
        await using var handler = new ThreadedHttpHandler(Options(server, o => o.TimeProvider = new FakeTimeProvider(DateTimeOffset.UtcNow)));
        var logger = handler.CreateLogger("Payroll");

        logger.LogDebug("debug {N}", 1);
        logger.LogInformation("information {N}", 2);
        logger.LogDebug("debug {N}", 3);
        gate.SetResult();

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["debug 1", "information 2", "debug 3"], Messages(server));
        Assert.Equal((3L, 3L, 0L, LogLevel.Debug, LevelSource.Rule), Counts(handler));
        Assert.Equal(1, server.LevelPolls);
    }

    [Fact]
    public async Task Start_NoRuleInFirstAnswer_HeldDebugFilteredNotCountedEnqueuedOrDropped()
    {
        await using var server = await LoopbackServer.StartAsync();
        var (_, gate) = GateLevelAnswers(server, LoopbackServer.NoLevels);
        await using var handler = new ThreadedHttpHandler(Options(server, o => o.TimeProvider = new FakeTimeProvider(DateTimeOffset.UtcNow)));
        var logger = handler.CreateLogger("Payroll");

        logger.LogDebug("debug {N}", 1); // held: the answer is not given yet
        logger.LogInformation("information {N}", 2);
        gate.SetResult();
        await handler.LevelHoldReleased.WaitAsync(TimeSpan.FromSeconds(30));
        logger.LogDebug("debug {N}", 3); // after the answer: the configured level, as before

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["information 2"], Messages(server));
        Assert.Equal((1L, 1L, 0L, LogLevel.Information, LevelSource.Configured), Counts(handler));
        Assert.Equal(0, handler.Statistics.Pending);
    }

    [Theory]
    [InlineData(LoopbackServer.NoLevels, 1L)]       // the held Debug calls left out at the release
    [InlineData(DebugForEveryCategory, 3L)]        // kept: counted once the release keeps them
    public async Task Statistics_ReadInTheHoldAndAfterTheRelease_EnqueuedNeverGoesDownAndTheBooksBalance(string answer, long enqueued)
    {
        // Read at the start, log, read again (adopting the client): Enqueued counted the held Debug calls at the call and
        // took them off at the release, so it went down, 3 then 1.
        await using var server = await LoopbackServer.StartAsync();
        var (_, gate) = GateLevelAnswers(server, answer);
        await using var handler = new ThreadedHttpHandler(Options(server, o => o.TimeProvider = new FakeTimeProvider(DateTimeOffset.UtcNow)));
        var logger = handler.CreateLogger("Payroll");
        var reads = new List<ThreadedHandlerStatistics> { handler.Statistics };

        logger.LogDebug("debug {N}", 1); // held: the answer is not given yet
        logger.LogInformation("information {N}", 2);
        logger.LogDebug("debug {N}", 3);
        reads.Add(handler.Statistics);
        gate.SetResult();
        await handler.LevelHoldReleased.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        reads.Add(handler.Statistics);

        Assert.Equal([0L, 1L, enqueued], reads.Select(r => r.Enqueued));
        Assert.All(reads, r => Assert.Equal(r.Enqueued + r.Adopted, r.Sent + r.Dropped + r.Pending));
        Assert.Equal((enqueued, 0L), (reads[^1].Sent, reads[^1].Pending));
    }

    [Fact]
    public async Task Start_CollectorRefusingAtStart_CallsGoOnHeldDebugFilteredInformationDeliveredLater()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Refuse = LoopbackServer.Everything; // ingest answers 503, as a collector whose store is down
        server.AnswerLevels = () => Task.FromResult(Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        await using var handler = new ThreadedHttpHandler(Options(server));
        var logger = handler.CreateLogger("Payroll");

        logger.LogDebug("debug {N}", 1);
        logger.LogInformation("information {N}", 2);
        await handler.LevelHoldReleased.WaitAsync(TimeSpan.FromSeconds(30)); // released by the failed answer
        Assert.False(handler.Flush(TimeSpan.Zero));
        await server.WaitForRequestsAsync(1); // the information is sent, and refused
        server.Refuse = null;

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["information 2"], Messages(server).Distinct());
        Assert.Equal((1L, 1L, 0L, LogLevel.Information, LevelSource.Configured), Counts(handler));
    }

    [Fact]
    public async Task Start_LevelAnswerNeverComes_ReleasedAtBoundOnHandlersClock()
    {
        await using var server = await LoopbackServer.StartAsync();
        var (polled, gate) = GateLevelAnswers(server);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var handler = new ThreadedHttpHandler(Options(server, o =>
        {
            o.TimeProvider = time;
            o.RequestTimeout = TimeSpan.FromMinutes(10); // the bound, not the request's timeout, ends the hold
        }));
        var logger = handler.CreateLogger("Payroll");
        await polled.Task.WaitAsync(TimeSpan.FromSeconds(30));

        logger.LogDebug("debug {N}", 1);
        logger.LogInformation("information {N}", 2);
        Assert.False(handler.LevelHoldReleased.IsCompleted); // no answer, and the handler's clock has not moved
        time.Advance(LevelPoller.FirstAnswerBound);
        await handler.LevelHoldReleased.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["information 2"], Messages(server));
        Assert.Equal((1L, 1L, 0L, LogLevel.Information, LevelSource.Configured), Counts(handler));
        Assert.False(gate.Task.IsCompleted);
        gate.SetResult(); // lets the server stop
    }

    [Fact]
    public async Task Dispose_LevelAnswerNeverComes_ReturnsAndDeliversTheConfiguredLevel()
    {
        await using var server = await LoopbackServer.StartAsync();
        var (polled, gate) = GateLevelAnswers(server);
        var handler = new ThreadedHttpHandler(Options(server, o => o.RequestTimeout = TimeSpan.FromMinutes(10)));
        var logger = handler.CreateLogger("Payroll");
        await polled.Task.WaitAsync(TimeSpan.FromSeconds(30));

        logger.LogDebug("debug {N}", 1);
        logger.LogInformation("information {N}", 2);
        handler.Dispose(); // the hold ends with the handler: nothing waits for the answer

        Assert.False(gate.Task.IsCompleted);
        Assert.True(handler.Flush(TimeSpan.Zero));
        Assert.Equal(["information 2"], Messages(server));
        Assert.Equal((1L, 1L, 0L, LogLevel.Information, LevelSource.Configured), Counts(handler));
        gate.SetResult(); // lets the server stop
    }

    [Theory]
    [InlineData(HttpLogFormat.PythonForm, 60)]
    [InlineData(HttpLogFormat.JsonBatch, 0)]
    public async Task Start_NoPolling_NoHoldAndNoPoll(HttpLogFormat format, int pollSeconds)
    {
        await using var server = await LoopbackServer.StartAsync();
        await using (var handler = new ThreadedHttpHandler(Options(server, o =>
        {
            o.Format = format;
            o.LevelPollInterval = TimeSpan.FromSeconds(pollSeconds);
        })))
        {
            Assert.True(handler.LevelHoldReleased.IsCompleted);
            Assert.False(handler.CreateLogger("Payroll").IsEnabled(LogLevel.Debug));
        }

        Assert.Equal(0, server.LevelPolls);
    }

    /// <summary>The loopback JsonBatch options at Information, the level an app's filter rules commonly give.</summary>
    private static ThreadedHttpHandlerOptions Options(LoopbackServer server, Action<ThreadedHttpHandlerOptions>? configure = null) =>
        ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.Level = LogLevel.Information;
            configure?.Invoke(o);
        });

    /// <summary>Level polls wait on a gate (answered <paramref name="answer"/> when the test opens it); the first task completes when one arrived.</summary>
    internal static (TaskCompletionSource Polled, TaskCompletionSource Gate) GateLevelAnswers(LoopbackServer server, string answer = DebugForEveryCategory)
    {
        var polled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.AnswerLevels = async () =>
        {
            polled.TrySetResult();
            await gate.Task;
            return Results.Text(answer, "application/json");
        };
        return (polled, gate);
    }

    private static (long Enqueued, long Sent, long Dropped, LogLevel Level, LevelSource Source) Counts(ThreadedHandler handler)
    {
        var statistics = handler.Statistics;
        return (statistics.Enqueued, statistics.Sent, statistics.Dropped, statistics.Level, statistics.LevelSource);
    }

    internal static List<string> Messages(LoopbackServer server) =>
        [.. server.Requests.SelectMany(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("events").EnumerateArray())
            .Select(e => e.GetProperty("message").GetString()!)];
}
