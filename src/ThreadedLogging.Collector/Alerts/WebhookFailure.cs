using System.Security.Authentication;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// Why a notification was not delivered. <see cref="Reason"/> is what <c>GET /api/alerts</c> and the console show about
/// an address whoever holds the admin key chose: <c>HTTP 503</c> for an answer, and one phrase, <see cref="NoHttpAnswer"/>,
/// for every failure before one. Diff review: distinct phrases for a timeout, a refused connection and a failed TLS
/// handshake told a filtered port from a closed one from a listening one (<c>https://10.0.0.5:22/</c>: "TLS failed"), and
/// "address not allowed" told which internal names resolve — a port scanner of the collector's network. What happened
/// (the kind, host, port, and the messages of the exception that ended the request) is <see cref="Detail"/>, for the
/// collector's log only.
/// </summary>
/// <param name="Reason">The phrase shown as the rule's <c>lastFailureReason</c>.</param>
/// <param name="Detail">What happened, with the webhook's host and port (never its path): for the collector's log, where
/// it is written escaped (<see cref="Diagnostics.LoggedText"/>): it quotes what the webhook sent.</param>
internal sealed record WebhookFailure(string Reason, string Detail)
{
    /// <summary>Every failure before an answer (timed out, refused, reset, not HTTP, TLS, an address not allowed): the log says which.</summary>
    public const string NoHttpAnswer = "no HTTP answer (the collector's log says why, id 501)";

    /// <summary>The log's word for no answer within the webhook's timeout.</summary>
    internal const string TimedOut = "timed out";

    /// <summary>The log's word for a name that did not resolve, a connection refused or reset, or an answer that was no HTTP.</summary>
    internal const string ConnectionFailed = "connection failed";

    /// <summary>The log's word for a host whose every address is refused (<see cref="WebhookDestinations"/>): no connection was attempted.</summary>
    internal const string AddressRefused = "refused: address not allowed";

    /// <summary>The log's word for a failed TLS handshake (a certificate not trusted, for another name, expired).</summary>
    internal const string TlsFailed = "TLS failed";

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

    /// <summary>
    /// A failure for the exception that ended the request before an answer: the detail has its message and its inner
    /// exceptions' (a TLS refusal's reason is an inner one's) as the client says them (<see cref="TransportError"/>: one line,
    /// a status line .NET quotes cut at 512 characters). No exception goes to the log: its message quotes what the
    /// webhook sent (an invalid status line, a certificate's names) and a console formatter writes an exception's text
    /// unescaped, so a webhook's ESC sequences reached the operator's terminal (review11 #2); the stack is .NET's own.
    /// </summary>
    public static WebhookFailure Failed(Uri webhook, HttpRequestException exception)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(exception);
        var kind = Find<WebhookAddressRefusedException>(exception) is not null ? AddressRefused
            : exception.HttpRequestError == HttpRequestError.SecureConnectionError || Find<AuthenticationException>(exception) is not null ? TlsFailed
            : ConnectionFailed;
        return new(NoHttpAnswer, $"{kind}: {webhook.Authority}: {TransportError.Describe(exception)}");
    }

    /// <summary>A failure for a webhook whose host, as written, is refused before any request (through a proxy: <see cref="WebhookDestinations.CheckHost"/>).</summary>
    public static WebhookFailure Refused(Uri webhook, string reason)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return new(NoHttpAnswer, $"{AddressRefused}: {webhook.Authority}: {reason}; no request sent");
    }

    /// <summary>A failure for no answer within <paramref name="timeout"/>.</summary>
    public static WebhookFailure Timeout(Uri webhook, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return new(NoHttpAnswer, $"{TimedOut}: {webhook.Authority} did not answer within {timeout.TotalSeconds:0.###} s");
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
