namespace ThreadedLogging;

/// <summary>
/// Exponential backoff with jitter for failed sends, and the circuit that follows from it: after
/// a few consecutive failures every attempt is a probe spaced by the maximum delay, so a dead server
/// is not hammered. A pure class: the caller waits.
/// </summary>
internal sealed class Backoff
{
    /// <summary>Consecutive failures after which the circuit counts as open.</summary>
    public const int OpenAfterFailures = 5;

    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly Func<double> _random;

    public Backoff(TimeSpan min, TimeSpan max, Func<double>? random = null)
    {
        _min = min;
        _max = max;
        _random = random ?? Random.Shared.NextDouble;
    }

    private int _failures;

    /// <summary>Gets the number of consecutive failures (written by the sends, two at most at once; read by anyone).</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Gets whether the server is considered down (attempts are probes at the maximum delay).</summary>
    public bool IsOpen => Failures >= OpenAfterFailures;

    public void MarkSuccess() => Volatile.Write(ref _failures, 0);

    /// <summary>Records a failure and returns how long to wait before the next attempt.</summary>
    /// <param name="retryAfter">The delay the server asked for; honoured (up to an hour) over the computed one.</param>
    public TimeSpan MarkFailure(TimeSpan? retryAfter = null)
    {
        var failures = Interlocked.Increment(ref _failures);
        if (retryAfter is { } asked && asked > TimeSpan.Zero)
        {
            return asked < MaxRetryAfter ? asked : MaxRetryAfter;
        }

        // min * 2^(n-1), capped; then "equal jitter": half fixed, half random, so clients spread out.
        var exponent = Math.Min(failures - 1, 30);
        var ceiling = Math.Min(_max.TotalMilliseconds, _min.TotalMilliseconds * Math.Pow(2, exponent));
        var delay = (ceiling / 2) + (_random() * ceiling / 2);
        return TimeSpan.FromMilliseconds(delay);
    }
}
