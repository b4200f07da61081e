namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// Evaluates the alert rules every <see cref="AlertOptions.Interval"/> (the first an interval after start), in the
/// background, on the store's read side: ingest never waits for it, nor for a webhook.
/// </summary>
internal sealed class AlertService(AlertEvaluator evaluator, CollectorOptions options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (evaluator.Rules.Count == 0)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(options.Alerts.Interval, time, stoppingToken).ConfigureAwait(false);
                await evaluator.EvaluateAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false); // logs its own failures
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }
}
