using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Levels;

/// <summary>
/// The live rules in memory, so that answering an ingest request with its effective level costs no query: reloaded
/// at most every <see cref="RefreshInterval"/> (what another collector on the same database changed shows within it),
/// and at once after this collector changed a rule. A store that fails keeps the last rules read, is asked again after
/// <see cref="RefreshInterval"/> (said once when the reads start failing and once when one succeeds again, with how many
/// failed: a line at each failed read was repeated every 5 s on a full disk), and while no rules could be read since
/// the start (<see cref="Unreadable"/>) there are none to give: no level is sent rather than "no rules", which a client
/// would take as the end of the rules it has.
/// </summary>
/// <param name="store">Where the rules are.</param>
/// <param name="availability">Which failures are the store's being unreachable, in words an answer may carry (others are said in the log only).</param>
/// <param name="time">The clock of the refresh.</param>
/// <param name="logger">Where a failed read is said.</param>
internal sealed class LevelRuleCache(ILevelRuleStore store, IStoreAvailability availability, TimeProvider time, ILogger<LevelRuleCache> logger)
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Snapshot _snapshot = new(null, DateTimeOffset.MinValue, null);
    private long _failedReads; // since the last read that succeeded; under _loading
    private DateTimeOffset _failingSince;

    /// <summary>Gets why the rules could not be read, while none could since the start; null once they were.</summary>
    public string? Unreadable => _snapshot is { Rules: null, Failure: { } failure } ? failure : null;

    /// <summary>
    /// Returns the live rules, reloading them when they are older than <see cref="RefreshInterval"/>; the last ones
    /// read when the store fails; null when none could be read since the start (<see cref="Unreadable"/> says why).
    /// </summary>
    public async ValueTask<IReadOnlyList<LevelRule>?> GetAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        var now = time.GetUtcNow();
        if (now - snapshot.Loaded < RefreshInterval)
        {
            return snapshot.Rules;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            snapshot = _snapshot;
            if (now - snapshot.Loaded < RefreshInterval)
            {
                return snapshot.Rules;
            }

            try
            {
                var rules = await store.ListLiveAsync(now, cancellationToken);
                _snapshot = new Snapshot(rules, now, null);
                if (_failedReads > 0)
                {
                    Diagnostics.CollectorLog.LevelRulesReadAgain(logger, (long)(now - _failingSince).TotalSeconds, _failedReads);
                    _failedReads = 0;
                }

                return rules;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (_failedReads++ == 0)
                {
                    _failingSince = now;
                    Diagnostics.CollectorLog.LevelRulesUnavailable(logger, e.Message);
                }

                _snapshot = snapshot with { Loaded = now, Failure = availability.Unavailable(e) ?? "the collector's log says why (id 300)" };
                return snapshot.Rules;
            }
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>Makes the next <see cref="GetAsync"/> reload (this collector changed a rule).</summary>
    public void Invalidate() => _snapshot = _snapshot with { Loaded = DateTimeOffset.MinValue };

    private sealed record Snapshot(IReadOnlyList<LevelRule>? Rules, DateTimeOffset Loaded, string? Failure);
}
