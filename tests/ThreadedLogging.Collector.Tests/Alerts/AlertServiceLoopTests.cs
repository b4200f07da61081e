using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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

    /// <summary>Advances the clock one interval; returns once that evaluation has ended (the service waits on the next).</summary>
    private static async Task NextIntervalAsync(WatchedTime time)
    {
        var nextWait = time.Armed(Interval);
        time.Advance(Interval);
        await nextWait.WaitAsync(SafetyNet);
    }
}
