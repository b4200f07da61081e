namespace ThreadedLogging;

/// <summary>
/// Spooled batches the receiver refuses whatever they carry (<see cref="SendOutcome.Unauthorized"/>,
/// <see cref="SendOutcome.Refused"/>: a wrong key or Url, a proxy that wants credentials, a redirect) are held on disk and
/// retried with the backoff until the receiver takes a batch again (the key fixed an hour later loses nothing), bounded by
/// the spool's own caps; from memory they are dropped (<see cref="BatchDelivery"/>). The hold is said once when it begins
/// and once when it ends, not per retry. Any thread.
/// </summary>
internal sealed class RefusalHold(SelfLog selfLog)
{
    private readonly Lock _lock = new();
    private volatile bool _holding; // read without the lock at every success
    private long _refusals; // under _lock
    private SendOutcome _outcome; // under _lock
    private string _error = string.Empty; // under _lock

    /// <summary>A spooled batch was refused whatever it carries: said when it begins a hold.</summary>
    /// <param name="outcome">How the receiver refused it.</param>
    /// <param name="error">What it answered.</param>
    /// <param name="spooledEvents">The events in the spool now (the ledger's), all of which wait.</param>
    public void Refused(SendOutcome outcome, string error, long spooledEvents)
    {
        lock (_lock)
        {
            _refusals++;
            if (_holding)
            {
                return;
            }

            (_holding, _outcome, _error, _refusals) = (true, outcome, error, 1);
            selfLog.Write($"The receiver refuses the requests ({outcome}: {error}): holding {Counted.Events(spooledEvents)} in the spool, retrying with the backoff until it takes them (a wrong Url or key, or a proxy that wants credentials?). The spool's MaxBufferBytes bounds what it keeps; the end of the hold is said in one line.");
        }
    }

    /// <summary>The receiver took a batch again, or the handler is disposed: the hold's end, once, if one was going.</summary>
    /// <param name="disposed">Whether the handler's disposal ends it (the events stay on disk for the next start).</param>
    public void End(bool disposed)
    {
        if (!_holding)
        {
            return;
        }

        lock (_lock)
        {
            if (!_holding)
            {
                return;
            }

            _holding = false;
            var refused = $"{Counted.Of(_refusals, "request", "requests")} refused ({_outcome}: {_error})";
            selfLog.Write(disposed
                ? $"The receiver still refused at the handler's disposal, after {refused}: the events held stay in the spool for the next start."
                : $"The receiver took a batch again after {refused}: the events held in the spool are sent.");
        }
    }
}
