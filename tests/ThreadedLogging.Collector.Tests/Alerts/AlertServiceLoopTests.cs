using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Alerts;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>
/// The background service's own loop (<see cref="AlertService"/>), on a real collector and a real webhook receiver,
/// its clock a fake one the test advances once the service waits on it: each interval it evaluates (a notification
/// arrives), an evaluation that fails (the store lost its database) does not end the loop, and once stopped nothing runs.
/// </summary>
public sealed class AlertServiceLoopTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(7);

    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Loop_EachInterval_EvaluatesAFailedEvaluationDoesNotEndItStoppedNothingMore()
    {
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var firstWait = time.Armed(Interval);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync(
            services =>
            {
                services.AddSingleton<TimeProvider>(time);
                GatedEventStore.Wrap(services, heldQuery: 1, fail: true); // the evaluation's first read of the events fails
            },
            [.. AlertScenario.RuleArgs(receiver, "errors"), $"--Collector:Alerts:Interval={Interval}", "--Collector:Alerts:Rules:0:Query=level=Error", "--Collector:Alerts:Rules:0:Threshold=1", "--Collector:Alerts:Rules:0:Cooldown=00:00:00"]);
        var start = time.GetUtcNow();
        var store = (GatedEventStore)collector.Services.GetRequiredService<IEventStore>();
        await firstWait.WaitAsync(SafetyNet);
        await Http.PostStoredAsync(collector.Client, "log/alice", Http.Envelope(null, new { level = "Error", message = "disk full", timestamp = start, sequence = 1 }));

        await NextIntervalAsync(time); // the store fails
        Assert.True(store.Held.Task.IsCompleted);
        Assert.Empty(receiver.Requests);
        var alert = (await collector.GetJsonAsync("api/alerts")).GetProperty("alerts")[0];
        Assert.Equal(start + Interval, alert.GetProperty("lastFailure").GetDateTimeOffset());

        await NextIntervalAsync(time); // the loop went on: this one notifies

        var notification = Assert.Single(receiver.Delivered);
        Assert.Equal(["disk full"], AlertScenario.Messages(notification));
        Assert.Equal(start + (Interval * 2), notification.GetProperty("to").GetDateTimeOffset());

        var service = collector.Services.GetServices<IHostedService>().OfType<AlertService>().Single();
        await service.StopAsync(CancellationToken.None);
        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully);
        await Http.PostStoredAsync(collector.Client, "log/alice", Http.Envelope(null, new { level = "Error", message = "after stop", timestamp = time.GetUtcNow(), sequence = 2 }));
        time.Advance(Interval * 3);
        Assert.Single(receiver.Requests); // the loop has ended: nothing left to evaluate
    }

    /// <summary>
    /// What escapes an evaluation (here its failure's own log line: a logger provider that throws, which MEL rethrows)
    /// ends neither the loop nor, through the host's StopHost, the collector, even when the loop's own line about it
    /// throws too: the next interval notifies, ingest goes on.
    /// </summary>
    [Fact]
    public async Task Loop_AFailureEscapesTheEvaluation_NextIntervalEvaluatesAndTheCollectorServes()
    {
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var firstWait = time.Armed(Interval);
        var throwing = new ThrowingLoggerProvider(typeof(AlertEvaluator).FullName!, typeof(AlertService).FullName!);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync(
            services =>
            {
                services.AddSingleton<TimeProvider>(time);
                services.AddSingleton<ILoggerProvider>(throwing);
                GatedEventStore.Wrap(services, heldQuery: 1, fail: true); // the evaluation's read of the events fails, and so does its log line
            },
            [.. AlertScenario.RuleArgs(receiver, "errors"), $"--Collector:Alerts:Interval={Interval}", "--Collector:Alerts:Rules:0:Query=level=Error", "--Collector:Alerts:Rules:0:Threshold=1", "--Collector:Alerts:Rules:0:Cooldown=00:00:00"]);
        var start = time.GetUtcNow();
        await firstWait.WaitAsync(SafetyNet);
        await Http.PostStoredAsync(collector.Client, "log/alice", Http.Envelope(null, new { level = "Error", message = "disk full", timestamp = start, sequence = 1 }));

        await NextIntervalAsync(time); // before, the loop ended here and the host stopped: this waited in vain

        Assert.Equal(2, throwing.Thrown);
        await NextIntervalAsync(time);
        var notification = Assert.Single(receiver.Delivered);
        Assert.Equal(["disk full"], AlertScenario.Messages(notification));
        var service = collector.Services.GetServices<IHostedService>().OfType<AlertService>().Single();
        Assert.False(service.ExecuteTask!.IsCompleted);
        await Http.PostStoredAsync(collector.Client, "log/alice", Http.Envelope(null, new { level = "Information", message = "still taken", timestamp = time.GetUtcNow(), sequence = 2 }));
    }

    /// <summary>Advances the clock one interval; returns once that evaluation has ended (the service waits on the next).</summary>
    private static async Task NextIntervalAsync(WatchedTime time)
    {
        var nextWait = time.Armed(Interval);
        time.Advance(Interval);
        await nextWait.WaitAsync(SafetyNet);
    }

    /// <summary>A provider whose logger of each of <paramref name="categories"/> throws at its first Error: a fault no real part makes on cue.</summary>
    private sealed class ThrowingLoggerProvider(params string[] categories) : ILoggerProvider
    {
        private int _thrown;

        public int Thrown => Volatile.Read(ref _thrown);

        public ILogger CreateLogger(string categoryName) => new Logger(this, categories.Contains(categoryName));

        public void Dispose()
        {
        }

        private sealed class Logger(ThrowingLoggerProvider owner, bool throws) : ILogger
        {
            private int _thrown;

            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (throws && logLevel >= LogLevel.Error && Interlocked.Exchange(ref _thrown, 1) == 0)
                {
                    Interlocked.Increment(ref owner._thrown);
                    throw new InvalidOperationException("the logger failed (ThrowingLoggerProvider)");
                }
            }
        }
    }
}
