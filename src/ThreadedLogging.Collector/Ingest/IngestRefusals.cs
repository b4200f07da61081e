using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// The collector's log lines about refused ingest requests (400, 404, 413, 415, 429, …; a missing or wrong key is
/// <see cref="Security.IngestKeyRefusals"/>'s): at most one line a minute per sender (its remote address,
/// <see cref="Security.RemoteAddressKey"/>) and status, and one a minute of admission's 429s for all, each with how many
/// were left out since the last (<see cref="LogRateLimiter"/>). A line per request filled the log exactly when the
/// collector was busiest (every client's 429 and retry) or a client resent the same bad batch, and the one useful line
/// drowned; the first refusal of another status from the same sender is still said. A request that failed unexpectedly
/// (500, <see cref="Failed"/>) is said so too, per kind of failure (and per sender unless the store failed). Admission's
/// 429s and the 500s have limiters of their own: past <see cref="LogRateLimiter.MaxKeys"/> recent senders of 400s and 429s,
/// their lines would have shared the overflow key's allowance and been hidden by those. The metrics count every request.
/// </summary>
internal sealed class IngestRefusals(TimeProvider time, ILogger<IngestEndpoint> logger)
{
    /// <summary>The shortest time between two lines of one sender and status.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    private const string OverloadedKey = "overloaded";

    /// <summary>
    /// Whose refusals a line counts once the limiter holds <see cref="LogRateLimiter.MaxKeys"/> recent keys: every new address
    /// and status then shares <see cref="LogRateLimiter.OverflowKey"/>'s line, which cannot speak for the one address it names.
    /// </summary>
    private const string ManyAddresses = "of many addresses and statuses (more than 10000 at once share one line)";

    private readonly LogRateLimiter _lines = new(LogInterval, time);

    /// <summary>The 500s' lines: their own keys, never held back by a flood of refusals' keys in <see cref="_lines"/>.</summary>
    private readonly LogRateLimiter _failureLines = new(LogInterval, time);

    /// <summary>Admission's 429s' line (one key): never held back by a flood of refusals' keys in <see cref="_lines"/>.</summary>
    private readonly LogRateLimiter _overloadedLines = new(LogInterval, time);

    /// <summary>Says (rate-limited) that <paramref name="sender"/>'s request to <paramref name="path"/> was refused.</summary>
    public void Rejected(string sender, string path, int statusCode, string reason)
    {
        var key = $"{sender} {statusCode}";
        if (_lines.TryAcquire(ref key, out var suppressed))
        {
            var whose = key == LogRateLimiter.OverflowKey ? ManyAddresses : "of this address with this status";
            CollectorLog.IngestRejected(logger, LoggedText.Of(sender), path, statusCode, LoggedText.Of(reason, 1000), suppressed, whose);
        }
    }

    /// <summary>
    /// Says (rate-limited as <see cref="Rejected"/>, a status of its own) that <paramref name="sender"/> posted to a path no endpoint serves
    /// (404, or 405 where only reading is served: OpenTelemetry .NET's exporter posts to its endpoint as set in code, so
    /// <c>http://collector:5080</c> is a POST to <c>/</c>, the console's page): a client pointed at a wrong URL (issue 11)
    /// sends every batch there, and retries it; the line says where logs go, under <paramref name="pathBase"/>.
    /// </summary>
    public void PathNotFound(string sender, string method, string path, int statusCode, string pathBase)
    {
        // A key of its own: a refusal answered 404 by an endpoint (Rejected) must not hold back the line of a wrong URL.
        var key = $"{sender} no endpoint";
        if (_lines.TryAcquire(ref key, out var suppressed))
        {
            var whose = key == LogRateLimiter.OverflowKey ? $"refusals {ManyAddresses}" : "of this address";
            CollectorLog.IngestPathNotFound(logger, method, path, statusCode, LoggedText.Of(sender), suppressed, whose,
                $"POST {pathBase}/v1/logs (OTLP over HTTP: the whole URL), {pathBase}/api/events/raw (Seq, CLEF) and {pathBase}/log/{{path}}");
        }
    }

    /// <summary>
    /// Says (at most a line a minute per kind of failure, <see cref="FailureKind"/>: the exception's type and database error
    /// code; per sender and format too unless <paramref name="storing"/>) that ingesting <paramref name="sender"/>'s request
    /// failed unexpectedly (500): a store failing in a way it does not call unavailable fails every request of every client
    /// the same way, and each was a line with its stack trace; the store is the collector's, so is its line.
    /// </summary>
    public void Failed(string sender, string format, string path, Exception exception, bool storing)
    {
        var key = storing ? $"store {FailureKind.Of(exception)}" : $"{sender} {format} {FailureKind.Of(exception)}";
        if (_failureLines.TryAcquire(ref key, out var suppressed))
        {
            var whose = key == LogRateLimiter.OverflowKey ? ManyAddresses
                : storing ? "of the store with this error from any address" : "of this address with this error";
            CollectorLog.IngestFailed(logger, exception, format, LoggedText.Of(sender), path, suppressed, whose);
        }
    }

    /// <summary>
    /// Says (rate-limited as <see cref="Failed"/>, per sender and kind of failure) that an exception escaped an ingest
    /// endpoint (<see cref="IngestFailureAnswers"/>): whether the batch was stored before it is not known.
    /// </summary>
    public void Escaped(string sender, string format, string path, Exception exception)
    {
        var key = $"{sender} escaped {FailureKind.Of(exception)}";
        if (_failureLines.TryAcquire(ref key, out var suppressed))
        {
            CollectorLog.IngestEscaped(logger, exception, format, LoggedText.Of(sender), path, suppressed, key == LogRateLimiter.OverflowKey ? ManyAddresses : "of this address with this error");
        }
    }

    /// <summary>Says (rate-limited, for all senders: the state is the collector's) that admission answered 429.</summary>
    public void Overloaded(int pending)
    {
        var key = OverloadedKey;
        if (_overloadedLines.TryAcquire(ref key, out var suppressed))
        {
            CollectorLog.IngestOverloaded(logger, pending, suppressed);
        }
    }
}
