using System.Security.Authentication;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// Why a notification was not delivered. <see cref="Reason"/> is one of a few fixed phrases (<c>HTTP 503</c>,
/// <c>timed out</c>, <c>connection failed</c>, <c>TLS failed</c>, <c>refused: address not allowed</c>): it is what
/// <c>GET /api/alerts</c> and the console show, about an address whoever holds the admin key chose, so it names no host
/// or port and quotes no exception or answer ("Connection refused (10.0.0.5:22)" beside "No route to host" made the
/// webhook a port scanner of the collector's network). <see cref="Detail"/> and <see cref="Exception"/> go to the
/// collector's own log only.
/// </summary>
/// <param name="Reason">The fixed phrase shown as the rule's <c>lastFailureReason</c>.</param>
/// <param name="Detail">What happened, with the webhook's host and port (never its path): for the collector's log.</param>
/// <param name="Exception">The exception that ended the request, if one did: for the collector's log.</param>
internal sealed record WebhookFailure(string Reason, string Detail, Exception? Exception = null)
{
    /// <summary>No answer within the webhook's timeout.</summary>
    public const string TimedOut = "timed out";

    /// <summary>The name did not resolve, the connection was refused or reset, or what answered spoke no HTTP.</summary>
    public const string ConnectionFailed = "connection failed";

    /// <summary>Every address the host resolved to is refused (<see cref="WebhookDestinations"/>): no connection was attempted.</summary>
    public const string AddressRefused = "refused: address not allowed";

    /// <summary>The TLS handshake failed (a certificate not trusted, for another name, expired).</summary>
    public const string TlsFailed = "TLS failed";

    /// <summary>A failure for a non-2xx answer: <c>HTTP 503</c>; a 3xx is <c>HTTP 302 (redirects are not followed)</c>.</summary>
    public static WebhookFailure Answered(Uri webhook, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(response);
        var status = (int)response.StatusCode;
        var redirect = status is >= 300 and < 400;
        var to = redirect && response.Headers.Location is { IsAbsoluteUri: true } location ? $" to {location.Authority}" : string.Empty;
        return new(
            redirect ? $"HTTP {status} (redirects are not followed)" : $"HTTP {status}",
            $"{webhook.Authority} answered {status} {response.ReasonPhrase}{to}");
    }

    /// <summary>A failure for the exception that ended the request before an answer.</summary>
    public static WebhookFailure Failed(Uri webhook, HttpRequestException exception)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(exception);
        var reason = Find<WebhookAddressRefusedException>(exception) is not null ? AddressRefused
            : exception.HttpRequestError == HttpRequestError.SecureConnectionError || Find<AuthenticationException>(exception) is not null ? TlsFailed
            : ConnectionFailed;
        return new(reason, $"{webhook.Authority}: {exception.Message}", exception);
    }

    /// <summary>A failure for no answer within <paramref name="timeout"/>.</summary>
    public static WebhookFailure Timeout(Uri webhook, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return new(TimedOut, $"{webhook.Authority} did not answer within {timeout.TotalSeconds:0.###} s");
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
