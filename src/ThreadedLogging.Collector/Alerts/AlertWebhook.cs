using System.Net.Http.Headers;
using System.Text.Json;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// Posts notifications. A 2xx is delivered; anything else (connection refused, a non-2xx, a redirect, no answer within
/// <see cref="Timeout"/>, an address <see cref="WebhookDestinations"/> refuses) is a <see cref="WebhookFailure"/>: a fixed
/// reason for the API, the detail for the log. With <c>Collector:Alerts:WebhookProxy</c>, every request goes through it;
/// with <c>Collector:Alerts:WebhookTrustedCertificates</c>, https webhooks may also present a certificate from those CAs.
/// </summary>
internal sealed class AlertWebhook : IDisposable
{
    /// <summary>The longest a webhook may take to answer. The default value is 10 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _client;
    private readonly WebhookDestinations _destinations;

    /// <param name="timeout">The longest a webhook may take to answer (<see cref="DefaultTimeout"/>).</param>
    /// <param name="destinations">The addresses notifications may connect to, checked on each connection.</param>
    /// <param name="proxy">The proxy every notification goes through; null: none, each connects directly.</param>
    /// <param name="trust">CA certificates trusted for https webhooks besides the system's; null: the system's only.</param>
    public AlertWebhook(TimeSpan timeout, WebhookDestinations destinations, WebhookProxySetting? proxy, WebhookCertificateTrust? trust = null)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        if (proxy is not null && !destinations.ThroughProxy)
        {
            throw new ArgumentException("Through a proxy, the destinations must check hosts as written (WebhookDestinations.Parse with throughProxy).", nameof(destinations));
        }

        _destinations = destinations;
        var handler = new SocketsHttpHandler
        {
            // No redirects: a 3xx would be followed as a GET without the body, and the target's 200 taken for a delivery;
            // and its Location (169.254.169.254, a host inside) would pass by every check of the rule's address.
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // Every connection goes to an address the destinations allow, as resolved at that moment (or to the proxy).
            ConnectCallback = new WebhookConnector(destinations, proxy).ConnectAsync,
            // Never through HTTP_PROXY/HTTPS_PROXY: the proxy would resolve and reach the webhook's host unchecked. Only
            // through the one the operator named, before which each request's host is checked as written (PostAsync).
            UseProxy = proxy is not null,
            Proxy = proxy,
        };
        // .NET's check first (system CAs, host name; no issuer fetched by the URL a certificate names: that fetch would
        // pass by the proxy and the allowed hosts); the operator's CAs only for a chain it could not trust.
        (trust ?? WebhookCertificateTrust.SystemOnly).Apply(handler.SslOptions);

        _client = new HttpClient(handler)
        {
            Timeout = timeout,
        };
    }

    public TimeSpan Timeout => _client.Timeout;

    /// <summary>Posts <paramref name="notification"/>; returns null when delivered, or why it was not.</summary>
    public async Task<WebhookFailure?> PostAsync(AlertRule rule, AlertNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);

        // Through a proxy, the connection's address is the proxy's: the webhook's host is checked here, as written.
        if (_destinations.ThroughProxy && _destinations.CheckHost(rule.Webhook) is { } refused)
        {
            return WebhookFailure.Refused(rule.Webhook, refused);
        }

        // Bytes with a Content-Length, not JsonContent's chunks: simple receivers (Python's http.server, some proxies)
        // read no chunked body and took an empty notification for a delivered one.
        var json = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(notification, CollectorJsonContext.Default.AlertNotification));
        json.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, rule.Webhook) { Content = json };
        foreach (var (name, value) in rule.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : WebhookFailure.Answered(rule.Webhook, response);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return WebhookFailure.Timeout(rule.Webhook, Timeout);
        }
        catch (HttpRequestException e)
        {
            return WebhookFailure.Failed(rule.Webhook, e);
        }
    }

    public void Dispose() => _client.Dispose();
}
