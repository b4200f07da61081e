using System.Net.Http.Json;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// Posts notifications. A 2xx is delivered; anything else (connection refused, a non-2xx, a redirect, no answer within
/// <see cref="Timeout"/>) is a failure with a one-line reason that never quotes the address's path or a header (secrets).
/// </summary>
internal sealed class AlertWebhook : IDisposable
{
    /// <summary>The longest a webhook may take to answer. The default value is 10 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _client;

    public AlertWebhook(TimeSpan timeout)
    {
        // No redirects: a 3xx would be followed as a GET without the body, and the target's 200 taken for a delivery.
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = timeout,
        };
    }

    public TimeSpan Timeout => _client.Timeout;

    /// <summary>Posts <paramref name="notification"/>; returns null when delivered, or the reason it was not.</summary>
    public async Task<string?> PostAsync(AlertRule rule, AlertNotification notification, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, rule.Webhook)
        {
            Content = JsonContent.Create(notification, CollectorJsonContext.Default.AlertNotification),
        };
        foreach (var (name, value) in rule.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? null
                : $"{rule.Webhook.Authority} answered {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"{rule.Webhook.Authority} did not answer within {Timeout.TotalSeconds:0} s";
        }
        catch (HttpRequestException e)
        {
            // Its message names the host and port ("Connection refused (127.0.0.1:9)"), never the path.
            return $"{rule.Webhook.Authority}: {e.Message}";
        }
    }

    public void Dispose() => _client.Dispose();
}
