using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// Evaluates the alert rules every <see cref="AlertOptions.Interval"/> (the first an interval after start), in the
/// background, on the store's read side: ingest never waits for it, nor for a webhook. A failed evaluation never ends
/// the loop: the next interval evaluates again. It runs without configured rules too: support may make one through the
/// API at any time (with none at all, an evaluation reads the rules and stops there).
/// </summary>
internal sealed class AlertService(AlertEvaluator evaluator, CollectorOptions options, TimeProvider time, ILogger<AlertService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(options.Alerts.Interval, time, stoppingToken).ConfigureAwait(false);
                try
                {
                    await evaluator.EvaluateAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false); // logs its own failures
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // What still escapes it (a logger provider that throws, which MEL rethrows) would end the loop and,
                    // the host's BackgroundServiceExceptionBehavior being StopHost, the whole collector: ingest included.
                    LogLoopFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    /// <summary>Says the failure, unless saying it fails too (the same throwing provider): then nothing, and the loop goes on.</summary>
    private void LogLoopFailed(Exception failure)
    {
        try
        {
            CollectorLog.AlertLoopFailed(logger, failure, options.Alerts.Interval);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Nowhere left to say it.
        }
    }
}
