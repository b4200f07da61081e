using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Runs retention every <see cref="RetentionOptions.Interval"/> (the first one an interval after start, so that a
/// restart loop cannot turn into a retention loop), and at once when the store asks (<see cref="RetentionTrigger"/>:
/// SQLite's free space under <see cref="RetentionOptions.MinFreeBytes"/>), in the background; a failed run is logged and
/// retried at the next.
/// </summary>
internal sealed class RetentionService(IEventRetention retention, CollectorOptions options, TimeProvider time, CollectorMetrics metrics, RetentionTrigger trigger, ILogger<RetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var policy = options.Retention;
        while (!stoppingToken.IsCancellationRequested)
        {
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                var interval = Task.Delay(policy.Interval, time, wait.Token);
                await Task.WhenAny(interval, trigger.Requested.WaitAsync(wait.Token));
                await wait.CancelAsync();
            }

            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            trigger.Take();
            try
            {
                var result = await retention.RemoveExpiredAsync(policy, time.GetUtcNow(), stoppingToken);
                metrics.Retained(result.ByAge, result.BySize, result.ByFreeSpace);
                if (result.ByAge + result.BySize + result.ByFreeSpace + result.Instances > 0 || result.Partitions.Count > 0)
                {
                    CollectorLog.RetentionRemoved(logger, result.ByAge, result.Cutoff, result.BySize, result.ByFreeSpace, string.Join(", ", result.Partitions), result.Instances);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                CollectorLog.RetentionFailed(logger, e, policy.Interval);
            }
        }
    }
}
