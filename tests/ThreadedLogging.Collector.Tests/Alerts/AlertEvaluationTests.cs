using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Alerts;
using ThreadedLogging.Collector.Tests.Diagnostics;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>
/// Alert rules on a real collector (SQLite) notifying a real webhook on loopback: threshold, no event notified twice,
/// none missed between evaluations, cooldown, a failed webhook retried with the same events.
/// </summary>
public sealed class AlertEvaluationTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Evaluate_ThresholdMet_NotifiesOnceWithTheMatchingEventsCountAndText()
    {
        await using var scenario = await AlertScenario.StartAsync("payroll-errors", []);
        await scenario.PostAsync(Minute * 1, message: "Payment failed for order 1");
        await scenario.PostAsync(Minute * 2, level: "Information", message: "Payment retried");
        await scenario.PostAsync(Minute * 3, app: "Billing", message: "Billing failed");
        await scenario.PostAsync(Minute * 4, level: "Critical", message: "Payment failed for order 2");

        await scenario.EvaluateAtAsync(Minute * 5);

        var request = Assert.Single(scenario.Receiver.Requests);
        Assert.Equal("/services/T000/B000/secret-path-XYZ", request.PathAndQuery);
        Assert.Equal("Bearer secret-header-XYZ", request.Headers.Authorization.ToString());
        // A length, not chunks: simple receivers (Python's http.server, some proxies) read no chunked body.
        Assert.Equal(request.Headers.ContentLength.ToString(), request.Headers["Content-Length"].ToString());
        Assert.True(request.Headers.ContentLength > 0, "Content-Length: " + request.Headers["Content-Length"]);
        Assert.Empty(request.Headers["Transfer-Encoding"].ToString());
        Assert.Equal("application/json; charset=utf-8", request.Headers.ContentType.ToString());
        var body = request.Body;
        Assert.Equal("payroll-errors", body.GetProperty("alert").GetString());
        Assert.Equal(2, body.GetProperty("count").GetInt64());
        Assert.Equal("level=Error&app=Payroll", body.GetProperty("query").GetString());
        Assert.Equal(AlertScenario.T0 + (Minute * 5), body.GetProperty("to").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("link").ValueKind); // no Collector:PublicUrl
        Assert.Equal(["Payment failed for order 2", "Payment failed for order 1"], AlertScenario.Messages(body));
        var newest = body.GetProperty("events")[0];
        Assert.Equal("Critical", newest.GetProperty("level").GetString());
        Assert.Equal("alice", newest.GetProperty("user").GetString());
        Assert.Equal("Payroll", newest.GetProperty("app").GetString());
        var text = body.GetProperty("text").GetString()!;
        Assert.StartsWith("Alert 'payroll-errors': 2 events matching level=Error&amp;app=Payroll from ", text, StringComparison.Ordinal);
        Assert.Contains("Latest: Critical user alice app Payroll: Payment failed for order 2", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_ThresholdNotMet_NothingSentAndTheCountShown()
    {
        await using var scenario = await AlertScenario.StartAsync("payroll-errors", []);
        await scenario.PostAsync(Minute * 1);
        await scenario.PostAsync(Minute * 2, level: "Warning");

        await scenario.EvaluateAtAsync(Minute * 5);

        Assert.Empty(scenario.Receiver.Requests);
        var alert = (await scenario.Collector.GetJsonAsync("api/alerts")).GetProperty("alerts")[0];
        Assert.Equal(1, alert.GetProperty("lastCount").GetInt64());
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("lastFired").ValueKind);
    }

    [Fact]
    public async Task Evaluate_AgainAfterFiring_TheSameEventsAreNeverNotifiedTwice()
    {
        await using var scenario = await AlertScenario.StartAsync("payroll-errors", ["--Collector:Alerts:Rules:0:Cooldown=00:00:00"]);
        await scenario.PostAsync(Minute * 1, message: "first");
        await scenario.PostAsync(Minute * 2, message: "second");
        await scenario.EvaluateAtAsync(Minute * 5);
        await scenario.PostAsync(Minute * 6, message: "third");

        await scenario.EvaluateAtAsync(Minute * 10); // "first" and "second" still in the window: not counted again
        await scenario.PostAsync(Minute * 11, message: "fourth");
        await scenario.EvaluateAtAsync(Minute * 15);

        var delivered = scenario.Receiver.Delivered;
        Assert.Equal(2, delivered.Count);
        Assert.Equal(["second", "first"], AlertScenario.Messages(delivered[0]));
        Assert.Equal(["fourth", "third"], AlertScenario.Messages(delivered[1]));
        Assert.Equal(AlertScenario.T0 + (Minute * 5), delivered[1].GetProperty("from").GetDateTimeOffset());
    }

    [Fact]
    public async Task Evaluate_EventsArrivingBetweenEvaluations_AllCountedInTheWindow()
    {
        await using var scenario = await AlertScenario.StartAsync("payroll-errors", ["--Collector:Alerts:Rules:0:Threshold=3"]);
        await scenario.PostAsync(Minute * 1, message: "one");
        await scenario.EvaluateAtAsync(Minute * 2);
        await scenario.PostAsync(Minute * 3, message: "two");
        // Arrives after the evaluation at 4 minutes, stamped before it (a client's batch on its way): still counted.
        await scenario.EvaluateAtAsync(Minute * 4);
        await scenario.PostAsync(Minute * 3.5, message: "late");

        await scenario.EvaluateAtAsync(Minute * 6);

        var notification = Assert.Single(scenario.Receiver.Requests).Body;
        Assert.Equal(3, notification.GetProperty("count").GetInt64());
        Assert.Equal(["late", "two", "one"], AlertScenario.Messages(notification));
    }

    [Fact]
    public async Task Evaluate_DuringTheCooldown_QuietThenNotifiesWhatCameMeanwhile()
    {
        await using var scenario = await AlertScenario.StartAsync("payroll-errors", ["--Collector:Alerts:Rules:0:Cooldown=00:30:00"]);
        await scenario.PostAsync(Minute * 1, message: "a");
        await scenario.PostAsync(Minute * 2, message: "b");
        await scenario.EvaluateAtAsync(Minute * 5);
        await scenario.PostAsync(Minute * 10, message: "c");
        await scenario.PostAsync(Minute * 20, message: "d");

        await scenario.EvaluateAtAsync(Minute * 25);
        Assert.Single(scenario.Receiver.Requests);
        await scenario.EvaluateAtAsync(Minute * 35.5);

        var delivered = scenario.Receiver.Delivered;
        Assert.Equal(2, delivered.Count);
        Assert.Equal(["d", "c"], AlertScenario.Messages(delivered[1]));
    }

    [Fact]
    public async Task Evaluate_FirstEvaluationAfterTheDefaultCooldownComesLate_CountsEverythingSinceTheLastNotification()
    {
        // Window 1 h, cooldown the window. Before, an evaluation one minute late counted from (now - window) and skipped
        // what came in that minute after the notification: "c" was never notified.
        await using var scenario = await AlertScenario.StartAsync("payroll-errors", []);
        await scenario.PostAsync(Minute * 1, message: "a");
        await scenario.PostAsync(Minute * 2, message: "b");
        await scenario.EvaluateAtAsync(Minute * 5);
        await scenario.PostAsync(Minute * 5.5, message: "c");
        await scenario.PostAsync(Minute * 30, message: "d");
        await scenario.EvaluateAtAsync(Minute * 40);

        await scenario.EvaluateAtAsync(Minute * 66);

        var delivered = scenario.Receiver.Delivered;
        Assert.Equal(2, delivered.Count);
        Assert.Equal(["d", "c"], AlertScenario.Messages(delivered[1]));

        // After that the window slides again: an event older than the window is no longer counted.
        await scenario.PostAsync(Minute * 70, message: "e");
        await scenario.EvaluateAtAsync(Minute * 140);
        await scenario.PostAsync(Minute * 135, message: "f");
        await scenario.EvaluateAtAsync(Minute * 200);
        Assert.Equal(2, scenario.Receiver.Delivered.Count);
    }

    [Fact]
    public async Task Evaluate_WebhookAnswers500Then200_DeliveredOnceWithTheSameEventsFailureCountedAndLogged()
    {
        await using var scenario = await AlertScenario.StartAsync("payroll-errors", ["--Collector:Alerts:Rules:0:Cooldown=00:00:00"], 500);
        using var metrics = new MetricsRecorder(scenario.Collector.Services);
        var log = CollectingLoggerProvider.AttachTo(scenario.Collector);
        await scenario.PostAsync(Minute * 1, message: "a");
        await scenario.PostAsync(Minute * 2, message: "b");

        await scenario.EvaluateAtAsync(Minute * 5);
        var alert = (await scenario.Collector.GetJsonAsync("api/alerts")).GetProperty("alerts")[0];
        Assert.True(alert.GetProperty("pending").GetBoolean());
        Assert.Equal("HTTP 500", alert.GetProperty("lastFailureReason").GetString());
        await scenario.PostAsync(Minute * 6, message: "c");
        // The window has moved past "a" by now: the failed range is kept, so "a" is still sent.
        await scenario.EvaluateAtAsync(Minute * 61.5);
        await scenario.EvaluateAtAsync(Minute * 62);

        var requests = scenario.Receiver.Requests.ToList();
        Assert.Equal([500, 200], requests.Select(r => r.Answer));
        Assert.Equal(["b", "a"], AlertScenario.Messages(requests[0].Body));
        Assert.Equal(["c", "b", "a"], AlertScenario.Messages(requests[1].Body));
        Assert.Equal(requests[0].Body.GetProperty("from").GetDateTimeOffset(), requests[1].Body.GetProperty("from").GetDateTimeOffset());
        Assert.Equal(1, metrics.Sum("threadedlogging.collector.alerts.webhook_failures", ("alert", "payroll-errors")));
        Assert.Equal(1, metrics.Sum("threadedlogging.collector.alerts.fired", ("alert", "payroll-errors")));
        Assert.Contains(log.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("Alert 'payroll-errors' matched 2 events but its webhook failed", StringComparison.Ordinal));
        alert = (await scenario.Collector.GetJsonAsync("api/alerts")).GetProperty("alerts")[0];
        Assert.False(alert.GetProperty("pending").GetBoolean());
        Assert.Equal(3, alert.GetProperty("lastFiredCount").GetInt64());
    }

    [Fact]
    public async Task Evaluate_WebhookNeverAnswers_GivesUpAtItsTimeoutAndSendsTheSameEventsNextTime()
    {
        await using var receiver = await WebhookReceiver.StartAsync(WebhookReceiver.NoAnswer);
        await using var collector = await CollectorFixture.StartAsync(
            services => services.AddSingleton(new AlertWebhook(TimeSpan.FromSeconds(1), WebhookDestinations.Any, proxy: null)), AlertScenario.RuleArgs(receiver, "payroll-errors"));
        await AlertScenario.PostTwoErrorsAsync(collector);

        await AlertScenario.EvaluateAtAsync(collector, Minute);
        var alert = (await collector.GetJsonAsync("api/alerts")).GetProperty("alerts")[0];
        await AlertScenario.EvaluateAtAsync(collector, Minute * 2);

        Assert.Equal(WebhookFailure.NoHttpAnswer, alert.GetProperty("lastFailureReason").GetString());
        Assert.Equal([WebhookReceiver.NoAnswer, 200], receiver.Requests.Select(r => r.Answer));
        Assert.Equal(["b", "a"], AlertScenario.Messages(Assert.Single(receiver.Delivered)).Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task AlertsApi_WebhookRefusesConnections_ShowsTheHostAndAFixedReasonNeverThePortPathOrHeaders()
    {
        const int port = 9; // nothing listens (discard); a free port picked and let go may be handed to another test's server
        await using var receiver = await WebhookReceiver.StartAsync();
        string[] args = [.. AlertScenario.RuleArgs(receiver, "payroll-errors"), $"--Collector:Alerts:Rules:0:Webhook=http://127.0.0.1:{port}/services/T000/B000/secret-path-XYZ?token=secret-query-XYZ"];
        await using var collector = await CollectorFixture.StartAsync(args);
        using var metrics = new MetricsRecorder(collector.Services);
        await AlertScenario.PostTwoErrorsAsync(collector);

        await AlertScenario.EvaluateAtAsync(collector, Minute);

        var (_, text) = await Http.SendAsync(collector.Client, HttpMethod.Get, "api/alerts");
        Assert.DoesNotContain("secret", text, StringComparison.OrdinalIgnoreCase);
        var alert = JsonDocument.Parse(text).RootElement.GetProperty("alerts")[0];
        Assert.Equal("127.0.0.1", alert.GetProperty("webhookHost").GetString());
        Assert.Equal("level=Error&app=Payroll", alert.GetProperty("query").GetString());
        Assert.Equal(WebhookFailure.NoHttpAnswer, alert.GetProperty("lastFailureReason").GetString()); // the port and the error are the log's
        Assert.True(alert.GetProperty("pending").GetBoolean());
        Assert.Equal(1, metrics.Sum("threadedlogging.collector.alerts.webhook_failures", ("alert", "payroll-errors")));
    }

    [Fact]
    public async Task AlertsApi_AfterFiring_GivesTheConsoleLinksOfTheNotifiedRangeAndOfTheWindowEndingNow()
    {
        await using var scenario = await AlertScenario.StartAsync("payroll-errors", []);
        await scenario.PostAsync(Minute * 1);
        await scenario.PostAsync(Minute * 2);
        var before = (await scenario.Collector.GetJsonAsync("api/alerts")).GetProperty("alerts")[0];

        await scenario.EvaluateAtAsync(Minute * 5);

        Assert.Equal(JsonValueKind.Null, before.GetProperty("lastFiredLink").ValueKind);
        var alert = (await scenario.Collector.GetJsonAsync("api/alerts")).GetProperty("alerts")[0];
        var from = AlertScenario.T0 + (Minute * 5) - TimeSpan.FromHours(1);
        Assert.Equal(from, alert.GetProperty("lastFiredFrom").GetDateTimeOffset());
        Assert.Equal("/?all=1&levels=Error,Critical&from=" + Iso(from) + "&to=" + Iso(AlertScenario.T0 + (Minute * 5)) + "&app=Payroll", Uri.UnescapeDataString(alert.GetProperty("lastFiredLink").GetString()!));
        var window = QueryHelpers.ParseQuery(alert.GetProperty("eventsLink").GetString()![1..]);
        Assert.Equal(TimeSpan.FromHours(1), DateTimeOffset.Parse(window["to"]!, CultureInfo.InvariantCulture) - DateTimeOffset.Parse(window["from"]!, CultureInfo.InvariantCulture));
        Assert.Equal("Error,Critical", window["levels"]);
    }

    [Fact]
    public async Task Evaluate_WithPublicUrl_LinksTheConsoleViewAndEscapesSlackMarkupInText()
    {
        await using var scenario = await AlertScenario.StartAsync("payroll-errors", ["--Collector:PublicUrl=https://logs.example.com/support"]);
        await scenario.PostAsync(Minute * 1, message: "db down");
        await scenario.PostAsync(Minute * 2, message: "<!channel> db down & out");

        await scenario.EvaluateAtAsync(Minute * 5);

        var body = Assert.Single(scenario.Receiver.Requests).Body;
        var link = body.GetProperty("link").GetString()!;
        Assert.Equal("https://logs.example.com/support/?all=1&levels=Error,Critical&from=" + Uri.EscapeDataString(body.GetProperty("from").GetDateTimeOffset().UtcDateTime.ToString("O")) + "&to=" + Uri.EscapeDataString((AlertScenario.T0 + (Minute * 5)).UtcDateTime.ToString("O")) + "&app=Payroll", link.Replace("%2C", ",", StringComparison.Ordinal));
        var text = body.GetProperty("text").GetString()!;
        Assert.EndsWith(" " + link, text, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", text, StringComparison.Ordinal);
        Assert.Contains("&lt;!channel&gt; db down &amp; out", text, StringComparison.Ordinal);
        Assert.Equal("<!channel> db down & out", AlertScenario.Messages(body)[0]); // the JSON field keeps the message as logged
    }
}
