using System.Collections.Concurrent;
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
/// database only the holder of <see cref="IAlertLease"/> evaluates. What a rule remembers is saved
/// (<see cref="IAlertStateStore"/>) whenever it notifies or its notification fails, and read back when this collector
/// starts to evaluate (its first evaluation, or a lease taken over), so a restart does not notify a range again (unless
/// that save failed: logged as id 505). The rules are the configured ones and those made through the API
/// (<see cref="IAlertRuleStore"/>), read again at each evaluation, so a rule made through any collector of the database
/// is evaluated from the next one, by the lease's holder only.
/// </summary>
internal sealed class AlertEvaluator : IDisposable
{
    private readonly IEventStore _store;
    private readonly IAlertLease _lease;
    private readonly IAlertStateStore _saved;
    private readonly IAlertRuleStore _made;
    private readonly AlertWebhook _webhook;
    private readonly CollectorMetrics _metrics;
    private readonly CollectorOptions _options;
    private readonly Uri? _publicUrl;
    private readonly TimeSpan _interval;
    private readonly ILogger<AlertEvaluator> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, AlertRuleState> _states = new(StringComparer.OrdinalIgnoreCase); // by rule name
    private readonly ConcurrentDictionary<(long Id, DateTimeOffset Changed), bool> _refusalsLogged = new();
    private readonly LogRateLimiter _failureLines; // a webhook's failures, by rule: at most a line a minute each (Interval may be a second)
    private IReadOnlyList<(AlertRule Rule, AlertRuleState State)> _rules = [];

    public AlertEvaluator(
        CollectorOptions options, IEventStore store, IAlertLease lease, IAlertStateStore saved, IAlertRuleStore made, AlertWebhook webhook, CollectorMetrics metrics, TimeProvider time, ILogger<AlertEvaluator> logger)
    {
        _failureLines = new LogRateLimiter(TimeSpan.FromMinutes(1), time);
        _store = store;
        _lease = lease;
        _saved = saved;
        _made = made;
        _webhook = webhook;
        _metrics = metrics;
        _options = options;
        _publicUrl = options.PublicUri;
        _interval = options.Alerts.Interval;
        _logger = logger;
        Configured = options.Alerts.CheckedRules;
    }

    /// <summary>Gets the rules of <c>Collector:Alerts:Rules</c> (read-only: the API neither changes nor deletes them).</summary>
    public IReadOnlyList<AlertRule> Configured { get; }

    /// <summary>Gets the rules the last evaluation ran (configured, then those made through the API) and what each remembers.</summary>
    public IReadOnlyList<(AlertRule Rule, AlertRuleState State)> Rules => Volatile.Read(ref _rules);

    /// <summary>Gets a value indicating whether this collector evaluated the rules last time (it holds the lease).</summary>
    public bool Evaluating { get; private set; }

    /// <summary>
    /// Returns the rules as they are now in the store (configured, then those made through the API that pass the checks),
    /// each with what it remembers on this collector (nothing when another evaluates it): what <c>GET /api/alerts</c> shows.
    /// </summary>
    public async Task<IReadOnlyList<(AlertRule Rule, AlertRuleState State)>> ListAsync(CancellationToken cancellationToken)
    {
        var rules = await LoadRulesAsync(cancellationToken).ConfigureAwait(false);
        return [.. rules.Select(rule => (rule, _states.TryGetValue(rule.Name, out var state) && state.Query == rule.QueryText ? state : new AlertRuleState(rule.QueryText)))];
    }

    /// <summary>
    /// Evaluates every rule at <paramref name="now"/> (a failure of one rule is logged and does not stop the others). The
    /// rules made through the API are read from the store first, on every collector; only the lease's holder evaluates.
    /// </summary>
    public async Task EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var rules = await RefreshRulesAsync(cancellationToken).ConfigureAwait(false);
            if (rules.Count == 0)
            {
                return;
            }

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

            // A hold begun anew (a start, a take-over): another collector may have notified meanwhile, read what it saved;
            // so for a rule this collector has not read yet (one just made through the API, or whose query changed).
            var taken = _lease.Taken;
            if (rules.Any(r => r.State.ReadAt != taken) && !await TryReadSavedStateAsync(rules, taken, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            foreach (var (rule, state) in rules)
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

        // The quiet period delays the count, it does not age the events out: the first evaluation after it (up to an Interval
        // late) counts the window as it stood when the quiet period ended, so with the default cooldown (the window) it
        // counts exactly what came since the last notification.
        // LastEvaluated is this process's (null after a start; older than a restored QuietUntil after a lease was taken over),
        // so the quiet period must also have ended within the last window: a range at most two windows long, never days.
        var windowEnd = (state.Status.LastEvaluated ?? DateTimeOffset.MinValue) < state.QuietUntil && now - state.QuietUntil < rule.Window
            ? state.QuietUntil
            : now;
        var from = state.PendingFrom ?? Later(windowEnd - rule.Window, state.NotifiedTo);
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
            state.Update(s => s with { LastFailure = now, LastFailureReason = failure.Reason });
            _metrics.AlertWebhookFailed(rule.Name);
            var key = rule.Name;
            if (_failureLines.TryAcquire(ref key, out var suppressed))
            {
                CollectorLog.AlertWebhookFailed(_logger, rule.Name, count, failure.Reason, LoggedText.Of(failure.Detail, 1000), _interval, suppressed);
            }

            await SaveAsync(rule, state).ConfigureAwait(false);
            return;
        }

        state.NotifiedTo = now;
        state.PendingFrom = null;
        state.QuietUntil = now + rule.Cooldown;
        state.Update(s => s with { LastFiredFrom = from, LastFired = now, LastFiredCount = count });
        _metrics.AlertFired(rule.Name);
        CollectorLog.AlertFired(_logger, rule.Name, count, from, now, rule.Webhook.Authority);
        await SaveAsync(rule, state).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads what the rules not read since <paramref name="taken"/> saved (a restart, a lease taken over, a rule new to this
    /// collector) into their state; a rule with no saved state, or whose query changed since, starts afresh. When the store
    /// cannot say, nothing is evaluated this time (it would notify again what was notified).
    /// </summary>
    private async Task<bool> TryReadSavedStateAsync(IReadOnlyList<(AlertRule Rule, AlertRuleState State)> rules, long taken, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, SavedAlertState> saved;
        try
        {
            saved = await _saved.LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            CollectorLog.AlertStateReadFailed(_logger, e, _interval);
            return false;
        }

        foreach (var (rule, state) in rules.Where(r => r.State.ReadAt != taken))
        {
            var row = saved.TryGetValue(rule.Name, out var found) && found.Query == rule.QueryText ? found : null;
            state.NotifiedTo = row?.NotifiedTo;
            state.PendingFrom = row?.PendingFrom;
            state.QuietUntil = row?.QuietUntil ?? DateTimeOffset.MinValue;
            state.Update(s => s with { LastFiredFrom = row?.LastFiredFrom, LastFired = row?.NotifiedTo, LastFiredCount = row?.LastFiredCount });
            state.ReadAt = taken;
        }

        return true;
    }

    /// <summary>
    /// Reads the rules (under the gate) and pairs each with its state: kept while its name and query stay, new otherwise
    /// (a changed query counts other events); the states of rules gone are dropped. When the store cannot say which rules
    /// were made through the API, the last known ones are evaluated (logged).
    /// </summary>
    private async Task<IReadOnlyList<(AlertRule Rule, AlertRuleState State)>> RefreshRulesAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<AlertRule> rules;
        try
        {
            rules = await LoadRulesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            CollectorLog.AlertRulesUnavailable(_logger, e, _interval);
            return Rules;
        }

        var paired = new List<(AlertRule, AlertRuleState)>(rules.Count);
        foreach (var rule in rules)
        {
            var state = _states.AddOrUpdate(
                rule.Name, _ => new AlertRuleState(rule.QueryText), (_, known) => known.Query == rule.QueryText ? known : new AlertRuleState(rule.QueryText));
            paired.Add((rule, state));
        }

        foreach (var gone in _states.Keys.Except(rules.Select(r => r.Name), StringComparer.OrdinalIgnoreCase))
        {
            _states.TryRemove(gone, out _);
        }

        Volatile.Write(ref _rules, paired);
        return paired;
    }

    /// <summary>The configured rules and those made through the API that pass this collector's checks (each refusal logged once).</summary>
    private async Task<IReadOnlyList<AlertRule>> LoadRulesAsync(CancellationToken cancellationToken)
    {
        var stored = await _made.ListAsync(cancellationToken).ConfigureAwait(false);
        if (stored.Count == 0)
        {
            return Configured;
        }

        var rules = new List<AlertRule>(Configured);
        var names = new HashSet<string>(Configured.Select(r => r.Name), StringComparer.OrdinalIgnoreCase);
        foreach (var row in stored)
        {
            var errors = new List<string>();
            var rule = AlertRule.FromStored(row, _interval, _options, errors);
            if (rule is not null && !names.Add(rule.Name))
            {
                errors.Add("its name is a configured rule's (Collector:Alerts:Rules), which is evaluated instead.");
            }

            if (errors.Count == 0)
            {
                rules.Add(rule!);
            }
            else if (_refusalsLogged.TryAdd((row.Id, row.Changed), true))
            {
                // The reasons quote the rule's values as the API took them (a query's %0A decoded): escaped, so that a rule
                // another collector's settings took cannot write lines of this one's log.
                CollectorLog.AlertRuleRefused(_logger, row.Id, LoggedText.Of(row.Name, AlertRule.MaxNameLength), LoggedText.Of(string.Join(' ', errors), 1000));
            }
        }

        return rules;
    }

    /// <summary>Saves a rule's state after it changed; a failure is logged (the state in memory stays right until a restart).</summary>
    private async Task SaveAsync(AlertRule rule, AlertRuleState state)
    {
        var status = state.Status;
        var row = new SavedAlertState(rule.Name, rule.QueryText, state.NotifiedTo, state.PendingFrom, state.QuietUntil, status.LastFiredFrom, status.LastFiredCount);
        try
        {
            // Not the stop's token: a stop right after a delivered notification would lose its save, and a restart then
            // notified it again. A save is one small write.
            await _saved.SaveAsync(row, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CollectorLog.AlertStateSaveFailed(_logger, e, rule.Name);
        }
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset? b) => b is { } other && other > a ? other : a;
}
