using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>One support-controlled level from the collector: from <see cref="Level"/> in categories starting with <see cref="Category"/>, until <see cref="Expires"/>.</summary>
internal readonly record struct LevelRule(string Category, LogLevel Level, DateTimeOffset Expires);

/// <summary>
/// The collector's level rules for this handler's identity (issue 13), as last received. A rule ends at its expiry on
/// the handler's own clock, whether or not the collector is reachable: a timer of the handler's <see cref="TimeProvider"/>
/// fires at the earliest expiry and the loggers are refreshed. Only the refresh reads this; a log call reads its logger's level.
/// </summary>
internal sealed class LevelRules : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Action _changed;
    private readonly ITimer _expiry;
    private readonly Lock _lock = new();
    private LevelRule[] _rules = [];

    public LevelRules(TimeProvider time, Action changed)
    {
        _time = time;
        _changed = changed;
        _expiry = time.CreateTimer(_ => Expire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Gets how many rules are held now (live at their last change).</summary>
    public int Count => Volatile.Read(ref _rules).Length;

    /// <summary>Gets when the rules were last received from the collector (null: never).</summary>
    public DateTimeOffset? LastReceived { get; private set; }

    /// <summary>Replaces the rules with what the collector just answered; refreshes the loggers when they changed.</summary>
    public void Apply(IReadOnlyList<LevelRule> rules)
    {
        var now = _time.GetUtcNow();
        var live = rules.Where(r => r.Expires > now).OrderBy(r => r.Category, StringComparer.Ordinal).ToArray();
        lock (_lock)
        {
            LastReceived = now;
            if (live.SequenceEqual(_rules))
            {
                return;
            }

            _rules = live;
            Schedule(now);
        }

        _changed();
    }

    /// <summary>Returns the most verbose live rule whose prefix the category starts with, or null.</summary>
    public LevelRule? For(string category)
    {
        var rules = Volatile.Read(ref _rules);
        var now = _time.GetUtcNow();
        LevelRule? best = null;
        foreach (var rule in rules)
        {
            if (rule.Expires > now && category.StartsWith(rule.Category, StringComparison.Ordinal) && (best is null || rule.Level < best.Value.Level))
            {
                best = rule;
            }
        }

        return best;
    }

    /// <summary>Gets or sets what else ends with the rules (the handler's poller).</summary>
    public IDisposable? Owned { get; set; }

    public void Dispose()
    {
        _expiry.Dispose();
        Owned?.Dispose();
    }

    private void Expire()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            _rules = [.. _rules.Where(r => r.Expires > now)];
            Schedule(now);
        }

        _changed();
    }

    private void Schedule(DateTimeOffset now)
    {
        var next = _rules.Length == 0 ? Timeout.InfiniteTimeSpan : _rules.Min(r => r.Expires) - now;
        _expiry.Change(next == Timeout.InfiniteTimeSpan ? next : next < TimeSpan.Zero ? TimeSpan.Zero : next, Timeout.InfiniteTimeSpan);
    }
}
