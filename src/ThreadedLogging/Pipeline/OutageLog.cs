namespace ThreadedLogging;

/// <summary>
/// What the self-log says of an outage, the failed sends that are retried (<see cref="FailureReporter.SendFailed"/>): the
/// first failure as it is, a failure for another reason than the last one said as it is, repeats of the same reason summed
/// up in at most one line every <see cref="SummaryInterval"/> (a reason is its cause, <see cref="SendResult.Cause"/>: an answer's status,
/// whatever words the receiver gave with it, which may differ each time, a count of requests in progress or a request id), and one line when a send is taken again
/// (<see cref="FailureReporter.SendWorked"/>) after more than one failed attempt. A line per retry gave an app whose collector was down for an hour a line at
/// every probe, and none when it came back. Ten minutes, not one: the circuit's probes are up to <see cref="ThreadedHandlerOptions.MaxRetryDelay"/>
/// apart (2 minutes by default), so a line a minute would sum up nothing in a long outage; a change of reason (a 503
/// becoming "connection refused") is said at once, so the summary only repeats what was said. Any thread may report (two
/// sends at most at once): under a lock, taken on failures and on the first success after them only.
/// </summary>
internal sealed class OutageLog
{
    /// <summary>At most one line this often while the reason stays the same.</summary>
    public static readonly TimeSpan SummaryInterval = TimeSpan.FromMinutes(10);

    private readonly Lock _lock = new();
    private bool _down;
    private DateTimeOffset _began;
    private long _failedAttempts;
    private string? _said; // the cause of the last line said in this outage
    private DateTimeOffset _saidAt;
    private long _notSaid; // failed attempts of that reason since that line
    private string _lastError = string.Empty;

    /// <summary>
    /// A send failed and its events are retried: <paramref name="error"/> as it is said (with the receiver's words),
    /// <paramref name="cause"/> what failed, the same for every repeat of it (<see cref="SendResult.Cause"/>, else the error).
    /// True when the caller says the failure as it is (the outage's first, or
    /// another cause than the last said); else <paramref name="summary"/> is the line to say instead, or null for none.
    /// </summary>
    public bool Failed(string error, string cause, DateTimeOffset now, out string? summary)
    {
        summary = null;
        lock (_lock)
        {
            Count(error, now);
            if (!string.Equals(cause, _said, StringComparison.Ordinal))
            {
                (_said, _saidAt, _notSaid) = (cause, now, 0);
                return true;
            }

            _notSaid++;
            if (now - _saidAt >= SummaryInterval)
            {
                summary = $"Sending still fails: {error} ({Counted.Of(_notSaid, "more failed attempt", "more failed attempts")} since the line at {_saidAt:O}; at most one such line every {SummaryInterval.TotalMinutes:0} minutes while the reason stays the same); the events are kept and sent again after the backoff";
                (_saidAt, _notSaid) = (now, 0);
            }

            return false;
        }
    }

    /// <summary>
    /// A failed attempt that is retried but that its caller does not say: a stored envelope's, whose events go the ordinary
    /// way next, which says what it meets. Counted in the outage (begun by it when it is the first), as
    /// <see cref="ThreadedHandlerStatistics.Failed"/> and the EventSource count it.
    /// </summary>
    public void FailedUnsaid(string error, string cause, DateTimeOffset now)
    {
        lock (_lock)
        {
            Count(error, now);
            if (string.Equals(cause, _said, StringComparison.Ordinal))
            {
                _notSaid++; // one of the attempts the next summary counts
            }
        }
    }

    /// <summary>
    /// A send was taken: the line that ends the outage, or null when there was none (the cheap, usual case), when none
    /// of its failures was said (a stored envelope's alone, its events then taken the ordinary way), or when its one failed
    /// attempt was said as it is (nothing left unsaid: the next attempt worked).
    /// </summary>
    public string? Worked()
    {
        if (!Volatile.Read(ref _down))
        {
            return null;
        }

        lock (_lock)
        {
            if (!_down)
            {
                return null;
            }

            Volatile.Write(ref _down, false);

            // One failed attempt, said as it is, then taken: its line already said the events are sent again, and a
            // collector answering some sends 429 doubled the self-log with a "works again" after each.
            return _said is null || _failedAttempts <= 1 ? null : $"Sending works again after {Counted.Of(_failedAttempts, "failed attempt", "failed attempts")} since {_began:O} (the last: {_lastError}); the events kept meanwhile are sent now";
        }
    }

    private void Count(string error, DateTimeOffset now)
    {
        if (!_down)
        {
            (_began, _failedAttempts, _said) = (now, 0, null);
            Volatile.Write(ref _down, true);
        }

        _failedAttempts++;
        _lastError = error;
    }
}
