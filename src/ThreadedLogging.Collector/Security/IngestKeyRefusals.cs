using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// An ingest request refused for a missing or wrong key (401, gRPC UNAUTHENTICATED) is counted as every other ingest
/// answer (<c>threadedlogging.collector.ingest.requests</c>, outcome <c>rejected</c>, status 401) and logged, at most
/// one line a minute per remote address (an IPv6 address's /64: <see cref="RemoteAddressKey"/>) with how many were left out (<see cref="LogRateLimiter"/>): a client shipping
/// with a revoked key was invisible on the server, and a brute-forcer must not fill the log.
/// </summary>
internal sealed class IngestKeyRefusals(ApiKeyRing keys, CollectorMetrics metrics, TimeProvider time, ILogger<IngestKeyRefusals> logger)
{
    /// <summary>The shortest time between two lines about one remote address.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whose refusals a line counts once the limiter holds <see cref="LogRateLimiter.MaxKeys"/> recent addresses: every new
    /// address then shares <see cref="LogRateLimiter.OverflowKey"/>'s line, which cannot speak for the one address it names.
    /// </summary>
    private const string ManyAddresses = "of many addresses (more than 10000 at once share one line)";

    private readonly LogRateLimiter _lines = new(LogInterval, time);

    /// <summary>
    /// Whether ingest needs a key and <paramref name="context"/>'s request (its <c>x-api-key</c> or Bearer) has none that
    /// fits; a refusal is then counted and logged (<see cref="Refused"/>). The ingest key check of OTLP/gRPC, which no
    /// endpoint filter runs.
    /// </summary>
    public bool RefusesKeyOf(HttpContext context, string format)
    {
        if (!keys.IngestRequiresKey || ApiKeyReader.Read(context.Request) is var key && keys.IsIngestKey(key))
        {
            return false;
        }

        Refused(context, format, keyGiven: key is not null);
        return true;
    }

    /// <summary>Counts and (rate-limited) logs one refusal; <paramref name="format"/> the decoder's name when known, else <c>unknown</c>.</summary>
    public void Refused(HttpContext context, string format, bool keyGiven)
    {
        metrics.IngestRefused(format, StatusCodes.Status401Unauthorized);
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var key = RemoteAddressKey.Of(context.Connection.RemoteIpAddress); // an IPv6 /64 as one sender (review14: one host, a line per address)
        if (_lines.TryAcquire(ref key, out var suppressed))
        {
            // Past LogRateLimiter.MaxKeys recent addresses a new one shares OverflowKey's line, whose count is of many (IngestRefusals' rule).
            var whose = key == LogRateLimiter.OverflowKey ? ManyAddresses : "of this address";
            CollectorLog.IngestKeyRefused(logger, address, LoggedText.Of(context.Request.Path.Value), keyGiven ? "invalid API key" : "missing API key", suppressed, whose);
        }
    }
}
