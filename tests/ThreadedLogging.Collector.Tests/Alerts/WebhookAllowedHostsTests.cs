using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Alerts;
using ThreadedLogging.Collector.Tests.Diagnostics;
using ThreadedLogging.Collector.Tests.Security;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>
/// <c>Collector:Alerts:WebhookAllowedHosts</c> on a real collector and a real receiver on 127.0.0.1: a webhook's host is
/// checked when the rule is made (400 naming <c>'webhook'</c> and the setting, never its entries; exit 2 for a configured rule), and each
/// address its name resolves to when a notification is sent, before connecting. <c>localhost</c> is the real name: it
/// resolves to loopback, which a list without it refuses.
/// </summary>
public sealed class WebhookAllowedHostsTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Evaluate_NameResolvesOutsideTheAllowedRanges_RefusedBeforeConnectingCountedAndLogged()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var collector = await StartAsync(receiver, "10.0.0.0/8");
        using var metrics = new MetricsRecorder(collector.Services);
        var log = CollectingLoggerProvider.AttachTo(collector);
        await AlertScenario.PostTwoErrorsAsync(collector);

        await AlertScenario.EvaluateAtAsync(collector, Minute * 5);

        Assert.Empty(receiver.Requests);
        var alert = (await collector.GetJsonAsync("api/alerts")).GetProperty("alerts")[0];
        Assert.Equal(WebhookFailure.NoHttpAnswer, alert.GetProperty("lastFailureReason").GetString()); // which names resolve is the log's
        Assert.True(alert.GetProperty("pending").GetBoolean());
        Assert.Equal(1, metrics.Sum("threadedlogging.collector.alerts.webhook_failures", ("alert", "payroll-errors")));
        var line = Assert.Single(log.Entries, e => e.Message.Contains("webhook failed", StringComparison.Ordinal)).Message;
        Assert.Contains($"({WebhookFailure.NoHttpAnswer}: refused: address not allowed: localhost:", line, StringComparison.Ordinal);
        Assert.Contains("localhost resolved to ", line, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", line, StringComparison.Ordinal);
        Assert.Contains("not allowed by Collector:Alerts:WebhookAllowedHosts (10.0.0.0/8); no connection attempted", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.0/8")] // the address localhost resolves to (its ::1, if any, is left out: not in the range)
    [InlineData("LOCALHOST")] // the name itself, whatever it resolves to
    [InlineData("hooks.example.com,127.0.0.1")] // the environment's comma-separated form
    public async Task Evaluate_NameAllowedByTheList_Delivered(string allowed)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var collector = await StartAsync(receiver, allowed);
        await AlertScenario.PostTwoErrorsAsync(collector);

        await AlertScenario.EvaluateAtAsync(collector, Minute * 5);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/services/T000/B000/secret-path-XYZ", request.PathAndQuery);
        Assert.Equal($"localhost:{new Uri(receiver.BaseAddress).Port}", request.Headers.Host.ToString()); // sent to the name, connected to the address
        Assert.Equal(JsonValueKind.Null, (await collector.GetJsonAsync("api/alerts")).GetProperty("alerts")[0].GetProperty("lastFailureReason").ValueKind);
    }

    [Theory]
    [InlineData("hooks.example.com", "http://127.0.0.1:9/h", "'webhook' host 127.0.0.1 is not in Collector:Alerts:WebhookAllowedHosts.")]
    [InlineData("hooks.example.com", "https://other.example.com/h", "'webhook' host other.example.com is not in Collector:Alerts:WebhookAllowedHosts.")]
    [InlineData("10.0.0.0/8,hooks.example.com", "http://[::1]:9/h", "'webhook' host [::1] is not in Collector:Alerts:WebhookAllowedHosts.")]
    [InlineData("0.0.0.0/0", "http://169.254.169.254/h", "'webhook' is a link-local address (169.254.169.254: 169.254.0.0/16, fe80::/10, where cloud metadata services answer): refused.")]
    [InlineData("0.0.0.0/0", "http://100.100.100.200/latest/meta-data/", "'webhook' is a cloud instance service's address (100.100.100.200: a metadata service, Azure's WireServer): refused.")]
    [InlineData("0.0.0.0/0", "http://168.63.129.16/machine?comp=goalstate", "'webhook' is a cloud instance service's address (168.63.129.16: a metadata service, Azure's WireServer): refused.")]
    [InlineData("::/0", "http://[fd20:ce::254]/computeMetadata/v1/", "'webhook' is a cloud instance service's address ([fd20:ce::254]: a metadata service, Azure's WireServer): refused.")]
    public async Task PostAndPut_WebhookNotAllowed_400NamingWebhookAndTheSettingNothingChanged(string allowed, string webhook, string reason)
    {
        await using var collector = await CollectorFixture.StartAsync($"--Collector:Alerts:WebhookAllowedHosts={allowed}");
        var (created, createdText) = await AlertRulesApiTests.SendAsync(collector, HttpMethod.Post, "api/alerts", new { name = "r", webhook = "https://hooks.example.com/h" });
        Assert.Equal(HttpStatusCode.Created, created);
        var id = JsonDocument.Parse(createdText).RootElement.GetProperty("id").GetInt64();

        var (postStatus, postText) = await AlertRulesApiTests.SendAsync(collector, HttpMethod.Post, "api/alerts", new { name = "r2", webhook });
        var (putStatus, putText) = await AlertRulesApiTests.SendAsync(collector, HttpMethod.Put, $"api/alerts/{id}", new { name = "r", webhook });

        Assert.Equal((HttpStatusCode.BadRequest, reason), (postStatus, Http.Error(postText)));
        Assert.Equal((HttpStatusCode.BadRequest, reason), (putStatus, Http.Error(putText)));
        foreach (var entry in allowed.Split(','))
        {
            // The list tells an API caller which internal names and ranges the collector reaches: the operator reads the setting.
            Assert.DoesNotContain(entry, postText, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(entry, putText, StringComparison.OrdinalIgnoreCase);
        }

        var alert = Assert.Single((await collector.GetJsonAsync("api/alerts")).GetProperty("alerts").EnumerateArray());
        Assert.Equal("hooks.example.com", alert.GetProperty("webhookHost").GetString());
    }

    [Fact]
    public async Task Post_NameNotListedWhileRangesAre_TakenAndCheckedOnWhatItResolvesToAtSend()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync("--Collector:Alerts:Interval=01:00:00", "--Collector:Alerts:WebhookAllowedHosts=10.0.0.0/8");
        var port = new Uri(receiver.BaseAddress).Port;

        var (status, text) = await AlertRulesApiTests.SendAsync(collector, HttpMethod.Post, "api/alerts", new { name = "payroll-errors", query = "level=Error&app=Payroll", threshold = 2, window = "01:00:00", webhook = $"http://localhost:{port}/h" });
        Assert.True(status == HttpStatusCode.Created, text);
        await AlertScenario.PostTwoErrorsAsync(collector);
        await AlertScenario.EvaluateAtAsync(collector, Minute * 5);

        Assert.Empty(receiver.Requests);
        Assert.Equal(WebhookFailure.NoHttpAnswer, (await collector.GetJsonAsync("api/alerts")).GetProperty("alerts")[0].GetProperty("lastFailureReason").GetString());
    }

    [Theory]
    [InlineData("10.0.0.1/8", "Collector:Alerts:WebhookAllowedHosts:0 '10.0.0.1/8' is not a CIDR range: its address has bits set past its prefix length (the range is written 10.0.0.0/8).")]
    [InlineData("10.0.0.0/33", "Collector:Alerts:WebhookAllowedHosts:0 '10.0.0.0/33' is not a CIDR range: its prefix length must be 0 to 32")]
    [InlineData("https://hooks.example.com/", "Collector:Alerts:WebhookAllowedHosts:0 must be a host name (hooks.slack.com), an IP address or a CIDR range (10.0.0.0/8, fd12::/16) (was 'https://hooks.example.com/').")]
    [InlineData("hooks.example.com:443", "Collector:Alerts:WebhookAllowedHosts:0 must be a host name")]
    [InlineData("*.example.com", "Collector:Alerts:WebhookAllowedHosts:0 must be a host name")]
    [InlineData("169.254.0.0/16", "Collector:Alerts:WebhookAllowedHosts:0 '169.254.0.0/16' is a link-local range (169.254.0.0/16, fe80::/10, where cloud metadata services answer): a webhook there is always refused.")]
    [InlineData("::ffff:169.254.169.254", "Collector:Alerts:WebhookAllowedHosts:0 '::ffff:169.254.169.254' is a link-local range")]
    [InlineData("168.63.129.16", "Collector:Alerts:WebhookAllowedHosts:0 '168.63.129.16' is a cloud instance service's address (a metadata service, Azure's WireServer): a webhook there is always refused.")]
    [InlineData("metadata.google.internal", "Collector:Alerts:WebhookAllowedHosts:0 'metadata.google.internal' is a cloud metadata service's name: a webhook there is always refused.")]
    public async Task Main_BadAllowedHost_ExitCode2NamingTheOption(string entry, string reason)
    {
        using var data = new TempDirectory();
        var environment = new Dictionary<string, string> { ["Collector__Alerts__WebhookAllowedHosts__0"] = entry };

        var (exitCode, stdout, stderr) = await ProgramExitTests.RunCollectorAsync(environment, "--urls", "http://127.0.0.1:0", "--data", data.Path);

        Assert.Equal(2, exitCode);
        Assert.Contains(reason, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ConfiguredRuleWebhookNotAllowed_RefusedNamingTheRuleAndTheSetting()
    {
        await using var receiver = await WebhookReceiver.StartAsync();

        var error = await Assert.ThrowsAsync<CollectorConfigurationException>(async () =>
        {
            await using var collector = await CollectorFixture.StartAsync([.. AlertScenario.RuleArgs(receiver, "payroll-errors"), "--Collector:Alerts:WebhookAllowedHosts:0=hooks.example.com"]);
        });

        Assert.Contains("Collector:Alerts:Rules:0:Webhook host 127.0.0.1 is not in Collector:Alerts:WebhookAllowedHosts.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A collector with rule <c>payroll-errors</c> to <paramref name="receiver"/> by the name <c>localhost</c>, and the allowed hosts (comma-separated).</summary>
    private static Task<CollectorFixture> StartAsync(WebhookReceiver receiver, string allowed) =>
        CollectorFixture.StartAsync(
        [
            .. AlertScenario.RuleArgs(receiver, "payroll-errors"),
            $"--Collector:Alerts:Rules:0:Webhook=http://localhost:{new Uri(receiver.BaseAddress).Port}/services/T000/B000/secret-path-XYZ",
            $"--Collector:Alerts:WebhookAllowedHosts={allowed}",
        ]);
}
