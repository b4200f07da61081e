using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// Evaluates every rule at a moment (<see cref="EvaluateAsync"/>: the background service's each interval, a test's at
/// will). A rule counts its events with a timestamp in <c>(start, now]</c>, where the start is the window's
/// (<c>now - Window</c>) or, when later, the end of the range it last notified: every event is in the window of the
/// evaluations that follow it until it slides out (so none arriving between two is missed, a late one included while
/// its timestamp is in the window), and none is notified twice. At or above the threshold the webhook is told; when it
/// fails, the range's start is kept and the next evaluation sends the same events again (and those since). After a
/// delivery the rule is quiet for its cooldown. One evaluation at a time; with collectors sharing a PostgreSQL
/// database only the holder of <see cref="IAlertLease"/> evaluates.
/// </summary>
internal sealed class AlertEvaluator : IDisposable
{
    private readonly IEventStore _store;
    private readonly IAlertLease _lease;
    private readonly AlertWebhook _webhook;
    private readonly CollectorMetrics _metrics;
    private readonly Uri? _publicUrl;
    private readonly TimeSpan _interval;
    private readonly ILogger<AlertEvaluator> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public AlertEvaluator(CollectorOptions options, IEventStore store, IAlertLease lease, AlertWebhook webhook, CollectorMetrics metrics, ILogger<AlertEvaluator> logger)
    {
        _store = store;
        _lease = lease;
        _webhook = webhook;
        _metrics = metrics;
        _publicUrl = options.PublicUri;
        _interval = options.Alerts.Interval;
        _logger = logger;
        Rules = [.. options.Alerts.CheckedRules.Select(rule => (rule, new AlertRuleState()))];
    }

    /// <summary>Gets the rules and what each remembers.</summary>
    public IReadOnlyList<(AlertRule Rule, AlertRuleState State)> Rules { get; }

    /// <summary>Gets a value indicating whether this collector evaluated the rules last time (it holds the lease).</summary>
    public bool Evaluating { get; private set; }

    /// <summary>Evaluates every rule at <paramref name="now"/> (a failure of one rule is logged and does not stop the others).</summary>
    public async Task EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (Rules.Count == 0)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                Evaluating = await _lease.TryHoldAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Evaluating = false;
                CollectorLog.AlertLeaseFailed(_logger, e, _interval);
            }

            if (!Evaluating)
            {
                return;
            }

            foreach (var (rule, state) in Rules)
            {
                try
                {
                    await EvaluateAsync(rule, state, now, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    CollectorLog.AlertEvaluationFailed(_logger, e, rule.Name, _interval);
                    state.Update(s => s with { LastEvaluated = now, LastFailure = now, LastFailureReason = "the events could not be counted (the collector's log says why)" });
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task EvaluateAsync(AlertRule rule, AlertRuleState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (state.PendingFrom is null && now < state.QuietUntil)
        {
            state.Update(s => s with { LastEvaluated = now });
            return;
        }

        var from = state.PendingFrom ?? Later(now - rule.Window, state.NotifiedTo);
        if (now <= from)
        {
            return;
        }

        // (from, now]: the query's bounds are inclusive, and ticks are the stores' precision.
        var first = from.AddTicks(1);
        var range = rule.Query with { From = first, To = now, Limit = AlertMessage.EventCount };
        var counts = await _store.CountByTimeAsync(range, new TimeBuckets(first, now - from, 1), cancellationToken).ConfigureAwait(false);
        var count = counts.Sum(c => c.Count);
        state.Update(s => s with { LastEvaluated = now, LastCount = count });
        if (count < rule.Threshold)
        {
            return;
        }

        var page = await _store.QueryAsync(range, cancellationToken).ConfigureAwait(false);
        var notification = AlertMessage.Create(rule, count, from, now, page.Events, _publicUrl);
        if (await _webhook.PostAsync(rule, notification, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            state.PendingFrom = from;
            state.Update(s => s with { LastFailure = now, LastFailureReason = failure });
            _metrics.AlertWebhookFailed(rule.Name);
            CollectorLog.AlertWebhookFailed(_logger, rule.Name, count, failure, _interval);
            return;
        }

        state.NotifiedTo = now;
        state.PendingFrom = null;
        state.QuietUntil = now + rule.Cooldown;
        state.Update(s => s with { LastFiredFrom = from, LastFired = now, LastFiredCount = count });
        _metrics.AlertFired(rule.Name);
        CollectorLog.AlertFired(_logger, rule.Name, count, from, now, rule.Webhook.Authority);
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset? b) => b is { } other && other > a ? other : a;
}
