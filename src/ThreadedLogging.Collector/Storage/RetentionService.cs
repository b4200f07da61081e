using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Runs retention every <see cref="RetentionOptions.Interval"/> (the first one an interval after start, so that a
/// restart loop cannot turn into a retention loop), in the background; a failed run is logged and retried at the next.
/// </summary>
internal sealed class RetentionService(IEventRetention retention, CollectorOptions options, TimeProvider time, CollectorMetrics metrics, ILogger<RetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var policy = options.Retention;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(policy.Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var result = await retention.RemoveExpiredAsync(policy, time.GetUtcNow(), stoppingToken);
                metrics.Retained(result.ByAge, result.BySize);
                if (result.ByAge + result.BySize + result.Instances > 0 || result.Partitions.Count > 0)
                {
                    CollectorLog.RetentionRemoved(logger, result.ByAge, result.Cutoff, result.BySize, string.Join(", ", result.Partitions), result.Instances);
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
