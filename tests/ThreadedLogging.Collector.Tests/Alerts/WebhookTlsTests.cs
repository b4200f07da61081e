using System.Text.Json;
using ThreadedLogging.Collector.Alerts;
using ThreadedLogging.Collector.Tests.Security;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>
/// https webhooks end to end: a real TLS Kestrel on loopback with a certificate from a CA made for the test (a company
/// CA in front of a self-hosted receiver), reached directly and through tinyproxy's <c>CONNECT</c>, with and without
/// <c>Collector:Alerts:WebhookTrustedCertificates</c>. The file adds roots; host names are checked whatever it trusts.
/// </summary>
public sealed class WebhookTlsTests : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly TempDirectory _files = new();
    private readonly WebhookCertificates _company = new("Example Corp Internal CA");
    private readonly WebhookCertificates _other = new("Some Other CA");

    [Fact]
    public async Task Evaluate_HttpsWebhookItsCaInTheFile_Delivered()
    {
        await using var receiver = await WebhookReceiver.StartHttpsAsync(_company.Issue("localhost", "127.0.0.1"));
        // One or more CAs: the receiver's is the second.
        var trusted = WebhookCertificates.WritePem(Path.Combine(_files.Path, "cas.pem"), _other, _company);
        await using var collector = await StartAsync(receiver, $"--Collector:Alerts:WebhookTrustedCertificates={trusted}");
        await AlertScenario.PostTwoErrorsAsync(collector);

        await AlertScenario.EvaluateAtAsync(collector, Minute * 5);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/services/T000/B000/secret-path-XYZ", request.PathAndQuery);
        Assert.Equal(["a", "b"], AlertScenario.Messages(request.Body).Order());
        Assert.Equal(JsonValueKind.Null, (await LastFailureAsync(collector)).ValueKind);
    }

    [Theory]
    // Without the setting only the system's CAs are trusted: the baseline the setting changes. The receiver sends no
    // CA (Kestrel sends none): the chain stops at the certificate, the refusal says how to trust its issuer.
    [InlineData("none", "The webhook's certificate is trusted by none of the system's CAs: PartialChain. The chain stops at 'CN=localhost': its issuer 'CN=Example Corp Internal CA' was not sent")]
    // The CA trusted, the certificate for another name: the name check stays on.
    [InlineData("wrong-name", "RemoteCertificateNameMismatch")]
    // A file of CAs the receiver's certificate does not chain to.
    [InlineData("other-ca", $"is trusted by none of the system's CAs nor of the 1 in {WebhookCertificateTrust.SettingName}: ")]
    // The CA trusted, the certificate expired an hour ago: the trusted root does not vouch for its dates (diff review).
    [InlineData("expired", "NotTimeValid")]
    // (A certificate for TLS clients only is refused too, NotValidForUsage, by the chain policy's server-auth EKU: the
    // diff review's probe with this receiver; not a row here.)
    public async Task Evaluate_HttpsWebhookNotTrusted_NothingDeliveredAndTheLogSaysWhy(string setup, string why)
    {
        var anHourAgo = DateTimeOffset.UtcNow.AddHours(-1);
        await using var receiver = await WebhookReceiver.StartHttpsAsync(setup switch
        {
            "wrong-name" => _company.Issue("webhooks.example.com"),
            "expired" => _company.Issue(_company.Authority.NotBefore, anHourAgo, "localhost", "127.0.0.1"),
            _ => _company.Issue("localhost", "127.0.0.1"),
        });
        string[] trust = setup switch
        {
            "none" => [],
            "other-ca" => [$"--Collector:Alerts:WebhookTrustedCertificates={WebhookCertificates.WritePem(Path.Combine(_files.Path, "other.pem"), _other)}"],
            _ => [$"--Collector:Alerts:WebhookTrustedCertificates={WebhookCertificates.WritePem(Path.Combine(_files.Path, "company.pem"), _company)}"],
        };
        await using var collector = await StartAsync(receiver, trust);
        var log = CollectingLoggerProvider.AttachTo(collector);
        await AlertScenario.PostTwoErrorsAsync(collector);

        await AlertScenario.EvaluateAtAsync(collector, Minute * 5);

        Assert.Empty(receiver.Requests);
        Assert.Equal(WebhookFailure.NoHttpAnswer, (await LastFailureAsync(collector)).GetString());
        var failed = Assert.Single(log.Entries, e => e.Message.Contains($"'payroll-errors' matched 2 events but its webhook failed ({WebhookFailure.NoHttpAnswer}: TLS failed: localhost:{receiver.Port}: ", StringComparison.Ordinal));
        Assert.Null(failed.Exception); // its messages are in the line, escaped (review11 #2)
        Assert.Contains(why, failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_HttpsWebhookThroughTinyProxy_DeliveredThroughACONNECTTunnel()
    {
        await using var receiver = await WebhookReceiver.StartHttpsAsync(_company.Issue("localhost", "127.0.0.1"));
        await using var proxy = await TinyProxy.StartAsync("ops", "proxy-pass");
        var trusted = WebhookCertificates.WritePem(Path.Combine(_files.Path, "company.pem"), _company);
        // Only the name localhost is allowed: checked as written before the request, the tunnel's name is the proxy's to resolve.
        await using var collector = await StartAsync(
            receiver,
            $"--Collector:Alerts:WebhookTrustedCertificates={trusted}",
            "--Collector:Alerts:WebhookAllowedHosts=localhost",
            $"--Collector:Alerts:WebhookProxy=http://ops:proxy-pass@127.0.0.1:{proxy.Port}");
        var tunnel = proxy.LineAsync($"CONNECT localhost:{receiver.Port} HTTP/1.1");
        await AlertScenario.PostTwoErrorsAsync(collector);

        await AlertScenario.EvaluateAtAsync(collector, Minute * 5);

        await tunnel.WaitAsync(Minute); // a bound on a hang only: the proxy said it when it opened the tunnel
        var request = Assert.Single(receiver.Requests);
        Assert.False(request.Headers.ContainsKey("Via")); // a tunnel: the proxy saw no request inside it (the http absolute form has its Via)
        Assert.Equal(["a", "b"], AlertScenario.Messages(request.Body).Order());
        Assert.Equal(JsonValueKind.Null, (await LastFailureAsync(collector)).ValueKind);
    }

    [Fact]
    public async Task PostAsync_HttpsHostNotAllowedThroughTheProxy_RefusedBeforeAnyTunnel()
    {
        await using var receiver = await WebhookReceiver.StartHttpsAsync(_company.Issue("localhost", "127.0.0.1"));
        await using var proxy = await TinyProxy.StartAsync();
        var errors = new List<string>();
        // A rule taken where any host was allowed, sent by a collector whose list has a range only: through a proxy a
        // range cannot vouch for the name inside the CONNECT, which the proxy resolves.
        var rule = AlertRule.Create(new AlertRuleOptions { Name = "r", Webhook = $"https://localhost:{receiver.Port}/h" }, f => f, Minute, new CollectorOptions(), errors);
        var trust = WebhookCertificateTrust.Load(WebhookCertificates.WritePem(Path.Combine(_files.Path, "company.pem"), _company), errors);
        var through = WebhookProxySetting.Parse($"http://127.0.0.1:{proxy.Port}", errors)!;
        using var webhook = new AlertWebhook(TimeSpan.FromSeconds(30), WebhookDestinations.Parse(["127.0.0.0/8"], errors, throughProxy: true), through, trust);
        Assert.Empty(errors);

        var failure = await webhook.PostAsync(rule!, new AlertNotification("r", "text", 1, 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, string.Empty, null, []), CancellationToken.None);

        Assert.NotNull(failure);
        Assert.Equal(WebhookFailure.NoHttpAnswer, failure.Reason);
        Assert.StartsWith($"refused: address not allowed: localhost:{receiver.Port}: host localhost is not in Collector:Alerts:WebhookAllowedHosts", failure.Detail, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Theory]
    [InlineData("missing", "' cannot be read: Could not find file")]
    [InlineData("directory", "' cannot be read: ")]
    [InlineData("key only", "' holds no certificate: give a PEM file of one or more CA certificates (-----BEGIN CERTIFICATE-----).")]
    [InlineData("not pem", "' holds no certificate: ")]
    public async Task Main_BadWebhookTrustedCertificates_ExitCode2NamingTheSetting(string file, string reason)
    {
        var path = Path.Combine(_files.Path, "cas.pem");
        switch (file)
        {
            case "directory":
                Directory.CreateDirectory(path);
                break;
            case "key only":
                using (var key = System.Security.Cryptography.ECDsa.Create())
                {
                    await File.WriteAllTextAsync(path, key.ExportPkcs8PrivateKeyPem());
                }

                break;
            case "not pem":
                await File.WriteAllBytesAsync(path, _company.Authority.RawData); // DER, not PEM
                break;
        }

        using var data = new TempDirectory();
        var environment = new Dictionary<string, string> { ["Collector__Alerts__WebhookTrustedCertificates"] = path };

        var (exitCode, stdout, stderr) = await ProgramExitTests.RunCollectorAsync(environment, "--urls", "http://127.0.0.1:0", "--data", data.Path);

        Assert.Equal(2, exitCode);
        Assert.Contains($"{WebhookCertificateTrust.SettingName} '{path}{reason}", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _company.Dispose();
        _other.Dispose();
        _files.Dispose();
    }

    internal static async Task<JsonElement> LastFailureAsync(CollectorFixture collector) =>
        (await collector.GetJsonAsync("api/alerts")).GetProperty("alerts")[0].GetProperty("lastFailureReason");

    /// <summary>A collector with rule <c>payroll-errors</c> to the https <paramref name="receiver"/> by the name <c>localhost</c>.</summary>
    internal static Task<CollectorFixture> StartAsync(WebhookReceiver receiver, params string[] args) =>
        CollectorFixture.StartAsync(
        [
            .. AlertScenario.RuleArgs(receiver, "payroll-errors"),
            $"--Collector:Alerts:Rules:0:Webhook=https://localhost:{receiver.Port}/services/T000/B000/secret-path-XYZ",
            .. args,
        ]);
}
