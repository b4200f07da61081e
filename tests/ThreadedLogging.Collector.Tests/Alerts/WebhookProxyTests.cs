using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Alerts;
using ThreadedLogging.Collector.Tests.Security;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>
/// <c>Collector:Alerts:WebhookProxy</c> with a real proxy (tinyproxy, which marks what it forwards with <c>Via</c>) in
/// front of a real receiver on loopback. Through it, the webhook's host is checked as written (the proxy resolves it): a
/// name only when listed as a name, a literal address against the ranges; the proxy's own address is not held to the list.
/// Its password is shown nowhere.
/// </summary>
public sealed class WebhookProxyTests
{
    private const string Password = "pr0xy-secret-XYZ";
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Evaluate_ThroughTinyProxyWithCredentials_DeliveredThroughItTheProxyNotHeldToTheList()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = await TinyProxy.StartAsync("ops", Password);
        // Only the name localhost is allowed: the proxy, at 127.0.0.1, is not in the list and must still be reached.
        await using var collector = await StartAsync(receiver, "localhost", $"http://ops:{Uri.EscapeDataString(Password)}@127.0.0.1:{proxy.Port}");
        await AlertScenario.PostTwoErrorsAsync(collector);

        await AlertScenario.EvaluateAtAsync(collector, Minute * 5);

        var request = Assert.Single(receiver.Requests);
        Assert.Contains("tinyproxy", request.Headers["Via"].ToString(), StringComparison.Ordinal);
        Assert.Equal("/services/T000/B000/secret-path-XYZ", request.PathAndQuery);
        Assert.Equal("Bearer secret-header-XYZ", request.Headers.Authorization.ToString());
        Assert.Equal(["a", "b"], AlertScenario.Messages(request.Body).Order());
        Assert.Equal(JsonValueKind.Null, (await collector.GetJsonAsync("api/alerts")).GetProperty("alerts")[0].GetProperty("lastFailureReason").ValueKind);
    }

    [Fact]
    public async Task Evaluate_ProxyRefusesTheCredentials_FailsAndThePasswordIsShownNowhere()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = await TinyProxy.StartAsync("ops", "the-right-one");
        await using var collector = await StartAsync(receiver, string.Empty, $"http://ops:{Password}@127.0.0.1:{proxy.Port}", "--Logging:LogLevel:Default=Trace");
        var log = CollectingLoggerProvider.AttachTo(collector, LogLevel.Trace);
        await AlertScenario.PostTwoErrorsAsync(collector);

        await AlertScenario.EvaluateAtAsync(collector, Minute * 5);

        Assert.Empty(receiver.Requests);
        var alerts = await collector.GetJsonAsync("api/alerts");
        Assert.Matches("^HTTP 40[17]$", alerts.GetProperty("alerts")[0].GetProperty("lastFailureReason").GetString()); // tinyproxy answers 401 where others answer 407
        Assert.DoesNotContain(Password, alerts.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(log.Entries, e => e.Message.Contains("'payroll-errors' matched 2 events but its webhook failed (HTTP 40", StringComparison.Ordinal));
        Assert.DoesNotContain(Password, log.Text() + collector.Log.Text(), StringComparison.Ordinal);
    }

    [Theory]
    // A name not listed while ranges are: without a proxy taken and checked on what it resolves to; through one, refused.
    [InlineData("127.0.0.0/8", "http://localhost:9/h", "'webhook' host localhost is not in Collector:Alerts:WebhookAllowedHosts: through Collector:Alerts:WebhookProxy a name is allowed only when listed as a name (the proxy resolves it; its address is never seen).")]
    [InlineData("hooks.example.com", "http://127.0.0.1:9/h", "'webhook' host 127.0.0.1 is not in Collector:Alerts:WebhookAllowedHosts.")]
    [InlineData("", "http://169.254.169.254/h", "'webhook' is a link-local address (169.254.169.254: 169.254.0.0/16, fe80::/10, where cloud metadata services answer): refused.")]
    [InlineData("", "http://169.254.169.254./h", "'webhook' is a link-local address (169.254.169.254.: 169.254.0.0/16, fe80::/10, where cloud metadata services answer): refused.")]
    [InlineData("", "http://metadata.google.internal/computeMetadata/v1/", "'webhook' is a cloud metadata service's name (metadata.google.internal): refused.")] // the proxy would resolve it to 169.254.169.254
    public async Task Post_HostNotAllowedThroughAProxy_400NamingTheSetting(string allowed, string webhook, string reason)
    {
        await using var proxy = await TinyProxy.StartAsync();
        await using var collector = await CollectorFixture.StartAsync([.. Allowed(allowed), $"--Collector:Alerts:WebhookProxy=http://127.0.0.1:{proxy.Port}"]);

        var (status, text) = await AlertRulesApiTests.SendAsync(collector, HttpMethod.Post, "api/alerts", new { name = "r", webhook });

        Assert.Equal((HttpStatusCode.BadRequest, reason), (status, Http.Error(text)));
        Assert.Empty((await collector.GetJsonAsync("api/alerts")).GetProperty("alerts").EnumerateArray());
    }

    [Fact]
    public async Task Start_ConfiguredRuleNameNotListedThroughAProxy_RefusedNamingTheRuleAndTheSettings()
    {
        await using var receiver = await WebhookReceiver.StartAsync();

        var error = await Assert.ThrowsAsync<CollectorConfigurationException>(async () =>
        {
            await using var collector = await StartAsync(receiver, "127.0.0.0/8", "http://127.0.0.1:9");
        });

        Assert.Contains("Collector:Alerts:Rules:0:Webhook host localhost is not in Collector:Alerts:WebhookAllowedHosts: through Collector:Alerts:WebhookProxy a name is allowed only when listed as a name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostAsync_HostNotAllowedThroughTheProxy_RefusedBeforeAnyRequest()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var proxy = await TinyProxy.StartAsync();
        // A rule taken where any host was allowed, sent by a collector whose list does not have its host.
        var errors = new List<string>();
        var rule = AlertRule.Create(new AlertRuleOptions { Name = "r", Webhook = receiver.BaseAddress + "/h" }, f => f, Minute, new CollectorOptions(), errors);
        Assert.Empty(errors);
        var settingErrors = new List<string>();
        var through = WebhookProxySetting.Parse($"http://127.0.0.1:{proxy.Port}", settingErrors)!;
        using var webhook = new AlertWebhook(TimeSpan.FromSeconds(30), WebhookDestinations.Parse(["hooks.example.com"], settingErrors, throughProxy: true), through);
        Assert.Empty(settingErrors);

        var failure = await webhook.PostAsync(rule!, new AlertNotification("r", "text", 1, 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, string.Empty, null, []), CancellationToken.None);

        Assert.NotNull(failure);
        Assert.Equal(WebhookFailure.NoHttpAnswer, failure.Reason);
        Assert.Equal($"refused: address not allowed: {new Uri(receiver.BaseAddress).Authority}: host 127.0.0.1 is not in Collector:Alerts:WebhookAllowedHosts; no request sent", failure.Detail);
        Assert.Empty(receiver.Requests);
    }

    [Theory]
    [InlineData("https://proxy.corp:3128", "Collector:Alerts:WebhookProxy 'https://proxy.corp:3128' has the scheme 'https': an HTTP proxy's address starts http:// (http://proxy.corp:3128, or http://user:password@proxy.corp:3128 percent-encoded).")]
    [InlineData("socks5://proxy.corp:1080", "Collector:Alerts:WebhookProxy 'socks5://proxy.corp:1080' has the scheme 'socks5'")]
    [InlineData("http://proxy.corp:3128/proxy", "Collector:Alerts:WebhookProxy 'http://proxy.corp:3128/proxy' has a path, a query or a fragment: give the host and port only")]
    [InlineData("http://proxy.corp:3128?x=1", "Collector:Alerts:WebhookProxy 'http://proxy.corp:3128?x=1' has a path, a query or a fragment")]
    [InlineData("proxy.corp", "Collector:Alerts:WebhookProxy 'proxy.corp' is not an absolute address")]
    [InlineData("http://ops:" + Password + "@proxy.corp:3128/x", "Collector:Alerts:WebhookProxy 'http://***@proxy.corp:3128/x' has a path")] // never its password
    [InlineData("https://" + Password + "@proxy.corp:3128", "Collector:Alerts:WebhookProxy 'https://***@proxy.corp:3128' has the scheme 'https'")] // nor a token as the user name
    [InlineData("ops:" + Password + "://x@proxy.corp:3128", "Collector:Alerts:WebhookProxy '***@proxy.corp:3128' is not an absolute address")] // a password's "://" is no scheme's end
    public async Task Main_BadWebhookProxy_ExitCode2NamingTheSettingNeverThePassword(string proxy, string reason)
    {
        using var data = new TempDirectory();
        var environment = new Dictionary<string, string> { ["Collector__Alerts__WebhookProxy"] = proxy };

        var (exitCode, stdout, stderr) = await ProgramExitTests.RunCollectorAsync(environment, "--urls", "http://127.0.0.1:0", "--data", data.Path);

        Assert.Equal(2, exitCode);
        Assert.Contains(reason, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
    }

    /// <summary>The setting of the allowed hosts (comma-separated); none for an empty list.</summary>
    private static string[] Allowed(string allowed) => allowed.Length == 0 ? [] : [$"--Collector:Alerts:WebhookAllowedHosts={allowed}"];

    /// <summary>A collector with rule <c>payroll-errors</c> to <paramref name="receiver"/> by the name <c>localhost</c>, the allowed hosts (comma-separated) and the proxy.</summary>
    private static Task<CollectorFixture> StartAsync(WebhookReceiver receiver, string allowed, string proxy, params string[] args) =>
        CollectorFixture.StartAsync(
        [
            .. AlertScenario.RuleArgs(receiver, "payroll-errors"),
            $"--Collector:Alerts:Rules:0:Webhook=http://localhost:{new Uri(receiver.BaseAddress).Port}/services/T000/B000/secret-path-XYZ",
            .. Allowed(allowed),
            $"--Collector:Alerts:WebhookProxy={proxy}",
            .. args,
        ]);
}
