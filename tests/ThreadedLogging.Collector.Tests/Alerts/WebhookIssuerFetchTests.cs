using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using ThreadedLogging.Collector.Alerts;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Alerts;

/// <summary>
/// An https webhook whose certificate names its issuer by URL (Authority Information Access): a root CA, an intermediate
/// and a leaf made for the test, the intermediate served on a plain-http listener on loopback that records every
/// request. .NET's default certificate check downloads a missing intermediate from there during the handshake — from
/// any host, past <c>WebhookProxy</c> and the allowed hosts — so the collector's check fetches nothing: a receiver that
/// leaves its intermediate out is refused, saying so; one that sends it is delivered to.
/// </summary>
public sealed class WebhookIssuerFetchTests : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly TempDirectory _files = new();

    // Names new to each run: .NET keeps an intermediate it downloaded for a chain that built in the user's CA store.
    private readonly WebhookCertificates _root = new($"Example Corp Root CA {Guid.NewGuid():N}");
    private readonly WebhookCertificates _intermediate;

    public WebhookIssuerFetchTests() => _intermediate = new($"Example Corp Issuing CA {Guid.NewGuid():N}", _root);

    [Theory]
    [InlineData("system CAs only")]
    [InlineData("root in WebhookTrustedCertificates")]
    public async Task Evaluate_IntermediateLeftOutItsAddressInTheCertificate_NothingFetchedAndTheLogSaysTheChainIsIncomplete(string trust)
    {
        await using var issuer = await IssuerListener.StartAsync(_intermediate.Authority);
        _intermediate.IssuerAddress = issuer.Address;
        await using var receiver = await WebhookReceiver.StartHttpsAsync(_intermediate.Issue("localhost", "127.0.0.1"));
        await using var collector = await WebhookTlsTests.StartAsync(receiver, trust == "system CAs only" ? [] : [TrustRootArgument()]);
        var log = CollectingLoggerProvider.AttachTo(collector);
        await AlertScenario.PostTwoErrorsAsync(collector);

        await AlertScenario.EvaluateAtAsync(collector, Minute * 5);

        Assert.Empty(issuer.Requests);
        Assert.Empty(receiver.Requests);
        Assert.Equal(WebhookFailure.NoHttpAnswer, (await WebhookTlsTests.LastFailureAsync(collector)).GetString());
        var failed = Assert.Single(log.Entries, e => e.Message.Contains($"'payroll-errors' matched 2 events but its webhook failed ({WebhookFailure.NoHttpAnswer}: TLS failed: localhost:{receiver.Port}: ", StringComparison.Ordinal));
        Assert.Null(failed.Exception); // its messages are in the line, escaped (review11 #2)
        var why = $"PartialChain. The chain stops at 'CN=localhost': its issuer '{_intermediate.Authority.Subject}' was not sent by the server, " +
            "and an intermediate is not fetched from the address a certificate names (the receiver must send it); a company CA is trusted through " +
            $"{WebhookCertificateTrust.SettingName}.";
        Assert.Contains(why, failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_IntermediateSentItsAddressInTheCertificate_DeliveredAndNothingFetched()
    {
        await using var issuer = await IssuerListener.StartAsync(_intermediate.Authority);
        _intermediate.IssuerAddress = issuer.Address;
        await using var receiver = await WebhookReceiver.StartHttpsAsync(_intermediate.Issue("localhost", "127.0.0.1"), [_intermediate.Authority]);
        await using var collector = await WebhookTlsTests.StartAsync(receiver, TrustRootArgument());
        await AlertScenario.PostTwoErrorsAsync(collector);

        await AlertScenario.EvaluateAtAsync(collector, Minute * 5);

        Assert.Single(receiver.Requests);
        Assert.Empty(issuer.Requests);
        Assert.Equal(JsonValueKind.Null, (await WebhookTlsTests.LastFailureAsync(collector)).ValueKind);
    }

    public void Dispose()
    {
        _intermediate.Dispose();
        _root.Dispose();
        _files.Dispose();
    }

    private string TrustRootArgument() =>
        $"--Collector:Alerts:WebhookTrustedCertificates={WebhookCertificates.WritePem(Path.Combine(_files.Path, "root.pem"), _root)}";

    /// <summary>A plain-http listener on loopback serving one CA certificate (DER, as <c>caIssuers</c> addresses do) at any path, keeping every request's path.</summary>
    private sealed class IssuerListener : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private IssuerListener(WebApplication app) => _app = app;

        /// <summary>Gets the paths requested, in order.</summary>
        public ConcurrentQueue<string> Requests { get; } = new();

        /// <summary>Gets the address the certificates name for their issuer.</summary>
        public Uri Address => new($"{_app.Urls.Single()}/issuer.cer");

        public static async Task<IssuerListener> StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var listener = new IssuerListener(app);
            app.MapGet("/{**path}", (HttpContext context) =>
            {
                listener.Requests.Enqueue(context.Request.Path);
                return Results.Bytes(certificate.RawData, "application/pkix-cert");
            });
            await app.StartAsync();
            return listener;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
