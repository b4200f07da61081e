using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Alerts;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>
/// A real collector with alert rules and a real webhook receiver. Time is the test's: events carry timestamps from
/// <see cref="T0"/> and <see cref="EvaluateAtAsync"/> runs the evaluation the background service runs each interval
/// (set to an hour, so that it never runs on its own during a test) at a moment the test picks.
/// </summary>
internal sealed class AlertScenario : IAsyncDisposable
{
    private long _sequence;

    private AlertScenario(CollectorFixture collector, WebhookReceiver receiver)
    {
        Collector = collector;
        Receiver = receiver;
    }

    /// <summary>Gets a moment two hours ago, to the second: the events' timestamps and evaluations count from it.</summary>
    public static DateTimeOffset T0 { get; } = new DateTimeOffset(DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero).AddHours(-2);

    public CollectorFixture Collector { get; }

    public WebhookReceiver Receiver { get; }

    /// <summary>Starts a receiver answering <paramref name="answers"/> (then 200) and a collector with rule 0 (and <paramref name="args"/>).</summary>
    public static async Task<AlertScenario> StartAsync(string rule, string[] args, params int[] answers)
    {
        var receiver = await WebhookReceiver.StartAsync(answers);
        try
        {
            var collector = await CollectorFixture.StartAsync([.. RuleArgs(receiver, rule), .. args]);
            return new AlertScenario(collector, receiver);
        }
        catch
        {
            await receiver.DisposeAsync();
            throw;
        }
    }

    /// <summary>The settings of a rule named <paramref name="rule"/> on <c>level=Error&amp;app=Payroll</c>, threshold 2, window 1 h, to <paramref name="receiver"/>.</summary>
    public static string[] RuleArgs(WebhookReceiver receiver, string rule) =>
    [
        "--Collector:Alerts:Interval=01:00:00",
        $"--Collector:Alerts:Rules:0:Name={rule}",
        "--Collector:Alerts:Rules:0:Query=level=Error&app=Payroll",
        "--Collector:Alerts:Rules:0:Threshold=2",
        "--Collector:Alerts:Rules:0:Window=01:00:00",
        $"--Collector:Alerts:Rules:0:Webhook={receiver.BaseAddress}/services/T000/B000/secret-path-XYZ",
        "--Collector:Alerts:Rules:0:Headers:Authorization=Bearer secret-header-XYZ",
    ];

    /// <summary>Stores one event of <paramref name="app"/> at <see cref="T0"/> + <paramref name="at"/>.</summary>
    public Task PostAsync(TimeSpan at, string level = "Error", string message = "Payment failed", string app = "Payroll", string user = "alice") =>
        PostAsync(Collector, Interlocked.Increment(ref _sequence), at, level, message, app, user);

    /// <summary>Stores one event of <paramref name="app"/> at <see cref="T0"/> + <paramref name="at"/> in <paramref name="collector"/> (<paramref name="sequence"/>: new for each event).</summary>
    public static async Task PostAsync(CollectorFixture collector, long sequence, TimeSpan at, string level = "Error", string message = "Payment failed", string app = "Payroll", string user = "alice")
    {
        var body = JsonSerializer.Serialize(new
        {
            app,
            instanceId = "inst-1",
            events = new[] { new { level, message, timestamp = (T0 + at).ToString("O", CultureInfo.InvariantCulture), sequence } },
        });
        await Http.PostStoredAsync(collector.Client, "log/" + user, body);
    }

    /// <summary>Stores two Payroll errors of alice, "a" and "b", at <see cref="T0"/> in <paramref name="collector"/>: what the rule of <see cref="RuleArgs"/> fires on.</summary>
    public static Task PostTwoErrorsAsync(CollectorFixture collector) =>
        Http.PostStoredAsync(collector.Client, "log/alice", Http.Envelope(null, new { level = "Error", message = "a", timestamp = T0, sequence = 1 }, new { level = "Error", message = "b", timestamp = T0, sequence = 2 }));

    /// <summary>Runs one evaluation at <see cref="T0"/> + <paramref name="at"/>; the webhook has answered when it returns.</summary>
    public Task EvaluateAtAsync(TimeSpan at) => EvaluateAtAsync(Collector, at);

    public static Task EvaluateAtAsync(CollectorFixture collector, TimeSpan at) =>
        collector.Services.GetRequiredService<AlertEvaluator>().EvaluateAsync(T0 + at, CancellationToken.None);

    /// <summary>The messages of a notification's events.</summary>
    public static List<string> Messages(JsonElement notification) =>
        [.. notification.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("message").GetString()!)];

    public async ValueTask DisposeAsync()
    {
        await Collector.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
