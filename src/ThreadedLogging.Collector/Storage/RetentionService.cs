using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Runs retention every <see cref="RetentionOptions.Interval"/> (the first one an interval after start, so that a
/// restart loop cannot turn into a retention loop), and at once when the store asks (<see cref="RetentionTrigger"/>:
/// SQLite's free space under <see cref="RetentionOptions.MinFreeBytes"/>), in the background. A run that gains nothing
/// holds the next one off (<see cref="RetentionBackoff"/>: 1 s doubling up to the interval): a failed run is retried
/// after the hold; after a run that could not meet the reserve (nothing left to remove, whatever it removed first), the store's requests wait out
/// the hold, which room back on the disk ends. Each trouble is logged at most once every <see cref="LogEvery"/>.
/// </summary>
internal sealed class RetentionService(IEventRetention retention, CollectorOptions options, TimeProvider time, CollectorMetrics metrics, RetentionTrigger trigger, ILogger<RetentionService> logger)
    : BackgroundService
{
    /// <summary>The shortest time between two lines about one trouble (the reserve cannot be met; a kind of failure).</summary>
    public static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(10);

    private const string UnmetKey = "reserve unmet";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var policy = options.Retention;
        var backoff = new RetentionBackoff(policy.Interval);
        var lines = new LogRateLimiter(LogEvery, time);
        var failures = 0;
        try
        {
            while (true)
            {
                await WaitAsync(policy.Interval, backoff, retry: failures > 0, stoppingToken);
                trigger.Take();
                try
                {
                    // Counted per committed deletion: a run that fails midway is counted for what it removed.
                    var result = await retention.RemoveExpiredAsync(policy, time.GetUtcNow(), stoppingToken, metrics.Retained);
                    if (result.Removed + result.Instances > 0 || result.Partitions.Count > 0)
                    {
                        CollectorLog.RetentionRemoved(logger, result.ByAge, result.Cutoff, result.BySize, result.ByFreeSpace, string.Join(", ", result.Partitions), result.Instances);
                    }

                    if (failures > 0)
                    {
                        CollectorLog.RetentionResumed(logger, failures);
                        failures = 0;
                    }

                    // Unmet means nothing was left to remove, whatever this run removed: with a trickle of ingest under a
                    // reserve another process keeps unmet, each run removed what had just arrived, reset the hold, and the
                    // watch's request ran it again a second later (diff review). Only room back (or a met reserve) resets it.
                    if (result.ReserveUnmet is not null)
                    {
                        backoff.Lengthen();
                    }
                    else
                    {
                        backoff.Reset();
                    }

                    var key = UnmetKey;
                    if (result.ReserveUnmet is { } shortfall && lines.TryAcquire(ref key, out var suppressed))
                    {
                        CollectorLog.ReserveUnmet(logger, shortfall.FreeBytes, shortfall.ReusableBytes, shortfall.MinFreeBytes, shortfall.WalRoomBytes, shortfall.WalFileBytes, backoff.Delay > TimeSpan.Zero ? backoff.Delay : RetentionBackoff.First, suppressed, LogEvery);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    failures++;
                    backoff.Lengthen();
                    var key = e.GetType().FullName ?? "failure";
                    if (lines.TryAcquire(ref key, out var suppressed))
                    {
                        CollectorLog.RetentionFailed(logger, e, backoff.Delay, suppressed, LogEvery);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Waits for the next run. After a failure (<paramref name="retry"/>): the hold, then the run. Otherwise the hold first
    /// (ended early when the reserve has room again), during which the store's requests wait; then the first of a request
    /// and the rest of the interval.
    /// </summary>
    private async Task WaitAsync(TimeSpan interval, RetentionBackoff backoff, bool retry, CancellationToken stoppingToken)
    {
        var started = time.GetTimestamp();
        if (backoff.Delay > TimeSpan.Zero)
        {
            if (retry)
            {
                await Task.Delay(backoff.Delay, time, stoppingToken);
                return;
            }

            var roomBack = trigger.NextRoomBack();
            using var hold = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            if (await Task.WhenAny(Task.Delay(backoff.Delay, time, hold.Token), roomBack) == roomBack)
            {
                backoff.Reset();
            }

            await hold.CancelAsync();
            stoppingToken.ThrowIfCancellationRequested();
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var elapsed = time.GetElapsedTime(started);
        var rest = elapsed < interval ? interval - elapsed : TimeSpan.Zero;
        await Task.WhenAny(Task.Delay(rest, time, wait.Token), trigger.Requested.WaitAsync(wait.Token));
        await wait.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
    }
}
