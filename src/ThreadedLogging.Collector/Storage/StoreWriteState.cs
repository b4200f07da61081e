using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Whether the store's writes fail now, as every ingest path sees it (HTTP, OTLP/gRPC, SQS): since when and why, for
/// <c>/health</c> and <c>/metrics</c>, and the log of it. A full disk refused every request with a warning of its own
/// (hundreds a second); now the failure is said once when it begins, repeated at most once every
/// <see cref="RepeatInterval"/> with how many requests were refused meanwhile, and once when writes resume, with how
/// long they failed. A success costs one volatile read.
/// </summary>
internal sealed class StoreWriteState(TimeProvider time, ILogger<StoreWriteState> logger)
{
    /// <summary>The shortest time between two lines saying writes still fail.</summary>
    public static readonly TimeSpan RepeatInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly LogRateLimiter _repeats = new(RepeatInterval, time);
    private volatile Failure? _failure;
    private long _refused;

    /// <summary>Gets the current failure: since when writes fail and why (no server address: <c>/health</c> is open); null while they succeed.</summary>
    public Failure? Current => _failure;

    /// <summary>Records a write the store refused; the first of a run of them is logged at once, the others as <see cref="RepeatInterval"/> allows.</summary>
    public void Failed(EventStoreUnavailableException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.FailureReason is not { } reason)
        {
            // Not open (starting, closing): no write failed; /health says "starting" meanwhile.
            var key = "not-open";
            if (_repeats.TryAcquire(ref key, out _))
            {
                CollectorLog.StoreUnavailable(logger, exception.Message);
            }

            return;
        }

        Interlocked.Increment(ref _refused);
        lock (_gate)
        {
            if (_failure is null)
            {
                _failure = new Failure(time.GetUtcNow(), reason);
                var key = "failing";
                _repeats.TryAcquire(ref key, out _); // the first line starts the interval of the repeats
                CollectorLog.StoreWritesFailing(logger, reason);
                return;
            }

            _failure = _failure with { Reason = reason };
        }

        var repeat = "failing";
        if (_repeats.TryAcquire(ref repeat, out var suppressed))
        {
            var failure = _failure;
            CollectorLog.StoreWritesStillFailing(logger, (long)(time.GetUtcNow() - (failure?.Since ?? time.GetUtcNow())).TotalSeconds, suppressed + 1, reason);
        }
    }

    /// <summary>Records a write the store took: after a run of failures, says once that writes resumed and after how long.</summary>
    public void Succeeded()
    {
        if (_failure is null)
        {
            return;
        }

        Failure? ended;
        lock (_gate)
        {
            ended = _failure;
            _failure = null;
        }

        if (ended is not null)
        {
            var refused = Interlocked.Exchange(ref _refused, 0);
            CollectorLog.StoreWritesResumed(logger, (long)(time.GetUtcNow() - ended.Since).TotalSeconds, refused);
        }
    }

    /// <summary>Writes fail since <paramref name="Since"/>; <paramref name="Reason"/> is the last refusal's.</summary>
    /// <param name="Since">The first refusal of the run.</param>
    /// <param name="Reason">Why, without a server's address (<see cref="EventStoreUnavailableException.FailureReason"/>).</param>
    internal sealed record Failure(DateTimeOffset Since, string Reason);
}
