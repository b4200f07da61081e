using System.Globalization;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>
/// An alert rule's state outlives the collector (SQLite: <c>alerts.db</c> in the data folder): a restart never notifies
/// a range again, a notification that failed is sent after it, and the console still shows the last one; a rule whose
/// query changed starts afresh.
/// </summary>
public sealed class AlertStateTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Restart_AfterANotification_ItsRangeIsNotNotifiedAgainAndTheConsoleStillShowsIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var data = new TempDirectory();
        string[] rule = [.. AlertScenario.RuleArgs(receiver, "payroll-errors"), "--Collector:Alerts:Rules:0:Cooldown=00:01:00"];
        await EvaluateBeforeRestartAsync(data.Path, rule);

        Assert.Single(receiver.Requests);
        await using var second = await CollectorFixture.StartInAsync(data.Path, rule);

        // The window (T0 - 50 min, T0 + 10 min] still holds a and b, but they were notified before the restart.
        await AlertScenario.EvaluateAtAsync(second, Minute * 10);
        Assert.Single(receiver.Requests);
        var alert = (await second.GetJsonAsync("api/alerts")).GetProperty("alerts")[0];
        Assert.Equal(AlertScenario.T0 + (Minute * 5), alert.GetProperty("lastFired").GetDateTimeOffset());
        Assert.Equal(2, alert.GetProperty("lastFiredCount").GetInt64());
        Assert.Equal(0, alert.GetProperty("lastCount").GetInt64());

        await PostAsync(second, 3, Minute * 11, "c");
        await PostAsync(second, 4, Minute * 12, "d");
        await AlertScenario.EvaluateAtAsync(second, Minute * 15);
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Equal(["d", "c"], AlertScenario.Messages(receiver.Requests.Last().Body));
    }

    [Fact]
    public async Task Restart_TheCooldownEndsWhileDown_TheFirstEvaluationAfterItCountsFromTheLastNotification()
    {
        // Window 1 h, cooldown the window: notified at T0 + 5 min, quiet until T0 + 65 min, restarted meanwhile. The first
        // evaluation, a minute after the quiet period, counts c (T0 + 5.5 min) too: the new process knows the cooldown
        // only from the saved state, not from an evaluation of its own.
        await using var receiver = await WebhookReceiver.StartAsync();
        using var data = new TempDirectory();
        var rule = AlertScenario.RuleArgs(receiver, "payroll-errors");
        await EvaluateBeforeRestartAsync(data.Path, rule);
        await using var second = await CollectorFixture.StartInAsync(data.Path, rule);
        await PostAsync(second, 3, Minute * 5.5, "c");
        await PostAsync(second, 4, Minute * 30, "d");

        await AlertScenario.EvaluateAtAsync(second, Minute * 66);

        Assert.Equal(2, receiver.Requests.Count);
        Assert.Equal(["d", "c"], AlertScenario.Messages(receiver.Requests.Last().Body));
    }

    [Fact]
    public async Task Restart_AfterAFailedNotification_SendsTheSameEventsEvenOnceTheirWindowHasPassed()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500);
        using var data = new TempDirectory();
        var rule = AlertScenario.RuleArgs(receiver, "payroll-errors");
        await EvaluateBeforeRestartAsync(data.Path, rule);

        Assert.Empty(receiver.Delivered);
        await using var second = await CollectorFixture.StartInAsync(data.Path, rule);

        // At T0 + 70 min the window starts at T0 + 10 min: a and b are only counted because their failed range was kept.
        await AlertScenario.EvaluateAtAsync(second, Minute * 70);
        var delivered = Assert.Single(receiver.Delivered);
        Assert.Equal(["b", "a"], AlertScenario.Messages(delivered));
    }

    [Fact]
    public async Task Restart_RuleQueryChanged_TheRuleStartsAfresh()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var data = new TempDirectory();
        string[] rule = [.. AlertScenario.RuleArgs(receiver, "payroll-errors"), "--Collector:Alerts:Rules:0:Cooldown=00:01:00"];
        await EvaluateBeforeRestartAsync(data.Path, rule);

        await using var second = await CollectorFixture.StartInAsync(data.Path, [.. rule, "--Collector:Alerts:Rules:0:Query=level=Error"]);
        await AlertScenario.EvaluateAtAsync(second, Minute * 10);

        Assert.Equal(2, receiver.Requests.Count);
        Assert.Equal("level=Error", receiver.Requests.Last().Body.GetProperty("query").GetString());
        Assert.Equal(["b", "a"], AlertScenario.Messages(receiver.Requests.Last().Body));
    }

    /// <summary>A collector on <paramref name="data"/> stores errors a (T0 + 1 min) and b (+ 2 min), evaluates at T0 + 5 min and stops.</summary>
    private static async Task EvaluateBeforeRestartAsync(string data, string[] rule)
    {
        await using var first = await CollectorFixture.StartInAsync(data, rule);
        await PostAsync(first, 1, Minute * 1, "a");
        await PostAsync(first, 2, Minute * 2, "b");
        await AlertScenario.EvaluateAtAsync(first, Minute * 5);
    }

    private static Task PostAsync(CollectorFixture collector, long sequence, TimeSpan at, string message)
    {
        var body = JsonSerializer.Serialize(new
        {
            app = "Payroll",
            instanceId = "inst-1",
            events = new[] { new { level = "Error", message, timestamp = (AlertScenario.T0 + at).ToString("O", CultureInfo.InvariantCulture), sequence } },
        });
        return Http.PostStoredAsync(collector.Client, "log/alice", body);
    }
}
