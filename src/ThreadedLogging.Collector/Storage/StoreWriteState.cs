using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Whether the store's writes fail now, as every ingest path sees it (HTTP, OTLP/gRPC, SQS): since when and why, for
/// <c>/health</c> and <c>/metrics</c>, and the log of it. A full disk refused every request with a warning of its own
/// (hundreds a second); now the failure is said once when it begins, repeated at most once every
/// <see cref="RepeatInterval"/> with how many requests were refused since the last line, and once when writes resume,
/// with how long they failed. A success costs one volatile read.
/// </summary>
/// <remarks>
/// Diff review: a failure held until the next successful write kept <c>/health/ready</c> at 503 for good once a load
/// balancer had taken the collector out (no ingest came, so no write could succeed), also after the disk was freed.
/// A failure is now current for <see cref="StaleAfter"/> after its last refusal only: clients retrying every few
/// seconds keep it current while writes fail; without them, readiness comes back and the next write tells.
/// </remarks>
internal sealed class StoreWriteState(TimeProvider time, ILogger<StoreWriteState> logger)
{
    /// <summary>The shortest time between two lines saying writes still fail.</summary>
    public static readonly TimeSpan RepeatInterval = TimeSpan.FromMinutes(1);

    /// <summary>How long after its last refusal a failure is still current (six of ingest's 5 s Retry-After).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly LogRateLimiter _notOpenLines = new(RepeatInterval, time);
    private volatile Failure? _failure;
    private long _lastRefused;
    private long _lastLine;
    private long _refusedInRun;
    private long _refusedSinceLine;

    /// <summary>
    /// Gets the current failure: since when writes fail and why (no server address: <c>/health</c> is open); null while
    /// they succeed, and once <see cref="StaleAfter"/> passed without a refusal.
    /// </summary>
    public Failure? Current
    {
        get
        {
            var failure = _failure;
            return failure is null || IsStale(time.GetTimestamp()) ? null : failure;
        }
    }

    /// <summary>Records a write the store refused; the first of a run of them is logged at once, the others as <see cref="RepeatInterval"/> allows.</summary>
    public void Failed(EventStoreUnavailableException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.FailureReason is not { } reason)
        {
            // Not open (starting, closing): no write failed; /health says "starting" meanwhile.
            var key = "not-open";
            if (_notOpenLines.TryAcquire(ref key, out _))
            {
                CollectorLog.StoreUnavailable(logger, exception.Message);
            }

            return;
        }

        var now = time.GetTimestamp();
        long seconds;
        long refused;
        lock (_gate)
        {
            var stale = IsStale(now);
            Volatile.Write(ref _lastRefused, now);
            if (_failure is null || stale)
            {
                // A new run (after a success, or after a quiet spell that let readiness come back).
                _failure = new Failure(time.GetUtcNow(), reason);
                _lastLine = now;
                _refusedInRun = 1;
                _refusedSinceLine = 0;
                CollectorLog.StoreWritesFailing(logger, reason);
                return;
            }

            _failure = _failure with { Reason = reason };
            _refusedInRun++;
            _refusedSinceLine++;
            if (time.GetElapsedTime(_lastLine, now) < RepeatInterval)
            {
                return;
            }

            _lastLine = now;
            refused = _refusedSinceLine;
            _refusedSinceLine = 0;
            seconds = (long)(time.GetUtcNow() - _failure.Since).TotalSeconds;
        }

        CollectorLog.StoreWritesStillFailing(logger, seconds, refused, reason);
    }

    /// <summary>Records a write the store took: after a run of failures, says once that writes resumed and after how long.</summary>
    public void Succeeded()
    {
        if (_failure is null)
        {
            return;
        }

        Failure? ended;
        long refused;
        lock (_gate)
        {
            ended = _failure;
            refused = _refusedInRun;
            _failure = null;
        }

        if (ended is not null)
        {
            CollectorLog.StoreWritesResumed(logger, (long)(time.GetUtcNow() - ended.Since).TotalSeconds, refused);
        }
    }

    private bool IsStale(long now) => time.GetElapsedTime(Volatile.Read(ref _lastRefused), now) >= StaleAfter;

    /// <summary>Writes fail since <paramref name="Since"/>; <paramref name="Reason"/> is the last refusal's.</summary>
    /// <param name="Since">The first refusal of the run.</param>
    /// <param name="Reason">Why, without a server's address (<see cref="EventStoreUnavailableException.FailureReason"/>).</param>
    internal sealed record Failure(DateTimeOffset Since, string Reason);
}
