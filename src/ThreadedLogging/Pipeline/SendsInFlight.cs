namespace ThreadedLogging;

/// <summary>
/// The sends waiting for the receiver's answer and when each began, so that <see cref="ThreadedHandlerStatistics.SendingSince"/>
/// and the metric <c>threadedlogging.send.age</c> show a send that hangs: a receiver that takes the connection and never
/// answers holds it up to the request timeout (30 s by default; an SDK's own retries can hold it longer), and meanwhile no
/// failure is counted and no error is set, so the counts looked as if all was well. Two sends at most are in flight
/// (<see cref="ISendsConcurrently"/>); one lock per send, never on the log call's path.
/// </summary>
internal sealed class SendsInFlight(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly List<(long Ticket, DateTimeOffset Since)> _sends = []; // in the order they began: the first is the oldest
    private long _nextTicket;

    /// <summary>Gets when the oldest send now in flight began; <see langword="null"/> when none is.</summary>
    public DateTimeOffset? OldestSince
    {
        get
        {
            lock (_gate)
            {
                return _sends.Count == 0 ? null : _sends[0].Since;
            }
        }
    }

    /// <summary>A send begins now; give the ticket to <see cref="End"/> when it has its answer (or failed, or was cancelled).</summary>
    public long Begin()
    {
        lock (_gate)
        {
            // The clock read inside the lock: two sends beginning together are listed in the order of their times.
            var ticket = ++_nextTicket;
            _sends.Add((ticket, time.GetUtcNow()));
            return ticket;
        }
    }

    /// <summary>The send of <paramref name="ticket"/> has ended.</summary>
    public void End(long ticket)
    {
        lock (_gate)
        {
            var at = _sends.FindIndex(s => s.Ticket == ticket);
            if (at >= 0)
            {
                _sends.RemoveAt(at);
            }
        }
    }
}
