namespace ThreadedLogging;

/// <summary>
/// Security review: an API key or Basic credentials sent over plain http to another machine can be read by anyone on
/// the way. Said once, when the handler is made, through its own diagnostics (<see cref="ThreadedHandlerOptions.SelfLog"/>,
/// off by default, and the EventSource's <c>CredentialsInClearText</c>, id 14); not refused: a TLS-terminating proxy on the same network, or a test, may be the reason.
/// </summary>
internal static class ClearTextCredentials
{
    /// <summary>The warning for these options, or <see langword="null"/> when nothing secret crosses the network in clear text.</summary>
    public static string? Warning(ThreadedHttpHandlerOptions options)
    {
        var secrets = (options.ApiKey is { Length: > 0 }, options.Credentials is not null) switch
        {
            (true, true) => "ApiKey and Credentials are",
            (true, false) => "ApiKey is",
            (false, true) => "Credentials are",
            _ => null,
        };
        if (secrets is null || options.Secure || HttpBatchSink.IsLoopback(options.Host))
        {
            return null;
        }

        return $"{secrets} sent in clear text to {options.Host} (Secure is false: plain http): anyone on the network path can read them and the logs. " +
            "Set Secure = true (https), or send to a TLS-terminating proxy.";
    }
}
