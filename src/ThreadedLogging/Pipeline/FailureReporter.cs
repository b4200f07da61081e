namespace ThreadedLogging;

/// <summary>
/// Where the pipeline reports what went wrong: the self-log, the EventSource, and the last error that
/// <see cref="ThreadedHandlerStatistics.LastError"/> shows. Any thread may report.
/// </summary>
internal sealed class FailureReporter(SelfLog selfLog, TimeProvider time)
{
    private readonly OutageLog _outage = new();
    private ErrorRecord? _last;

    /// <summary>Gets the last error reported, or <see langword="null"/>.</summary>
    public ErrorRecord? Last => Volatile.Read(ref _last);

    /// <summary>A send failed (it may still be retried).</summary>
    /// <param name="count">The events in it.</param>
    /// <param name="error">What failed.</param>
    /// <param name="say">Whether the self-log says it too (not when the caller says it once for a streak of them).</param>
    /// <param name="retried">Whether the events are sent again after the backoff (an outage): the self-log says so, since
    /// "failed" alone left an app's developer asking whether they were lost; and says the outage's repeats of a reason
    /// summed up, not one line each (<see cref="OutageLog"/>), which counts it when not said too.</param>
    /// <param name="cause">What failed when <paramref name="error"/> also holds the receiver's words (<see cref="SendResult.Cause"/>):
    /// the outage's repeats are those of one cause; null when the error is the cause.</param>
    public void SendFailed(int count, string error, bool say = true, bool retried = false, string? cause = null)
    {
        Remember(error);
        ThreadedLoggingEventSource.Log.SendFailed(count, error);
        if (!say)
        {
            if (retried)
            {
                _outage.FailedUnsaid(error, cause ?? error, time.GetUtcNow());
            }

            return;
        }

        if (!retried)
        {
            selfLog.Write($"Sending {Counted.Events(count)} failed: {error}");
        }
        else if (_outage.Failed(error, cause ?? error, time.GetUtcNow(), out var summary))
        {
            selfLog.Write($"Sending {Counted.Events(count)} failed: {error}; {Counted.Agree(count, "it is", "they are")} kept and sent again after the backoff");
        }
        else if (summary is not null)
        {
            selfLog.Write(summary);
        }
    }

    /// <summary>
    /// A send was taken (some of its events at least): after failures that were retried, the self-log says that sending
    /// works again, how many attempts failed and since when (<see cref="OutageLog"/>). Said before the events are settled:
    /// a flush they complete may read the self-log.
    /// </summary>
    public void SendWorked()
    {
        if (_outage.Worked() is { } line)
        {
            selfLog.Write(line);
        }
    }

    /// <summary>The spool cannot be used: the pipeline goes on in memory. Says only what is true of the disk.</summary>
    /// <param name="directory">The spool's directory.</param>
    /// <param name="e">What failed.</param>
    /// <param name="opened">Whether the spool had been opened (it failed while in use) or could not be made or opened at start.</param>
    /// <param name="eventsOnDisk">The events it holds, undelivered (when it failed while in use).</param>
    public void SpoolFailed(string? directory, Exception e, bool opened, long eventsOnDisk)
    {
        Remember($"Spool unavailable: {e.Message}");
        ThreadedLoggingEventSource.Log.InternalError(e.ToString());
        var error = $"{e.GetType().Name}: {e.Message}";
        selfLog.Write(opened
            ? $"The spool at {directory} failed while in use ({error}); events are kept in memory only until it works again: "
                + (eventsOnDisk > 0 ? $"the {Counted.Events(eventsOnDisk)} it holds {Counted.Agree(eventsOnDisk, "is", "are")} still sent from disk, then it is tried again (and at each look for other spools)." : "it held no undelivered events, and it is tried again at each look for other spools.")
            : $"The spool at {directory} could not be created or opened ({error}); events are kept in memory only until it can be: spools that earlier runs left are still sent, and it is tried again after them.");
    }

    /// <summary>A bug of ours: reported, never thrown into the app.</summary>
    public void InternalError(Exception e)
    {
        Remember($"{e.GetType().Name}: {e.Message}");
        ThreadedLoggingEventSource.Log.InternalError(e.ToString());
        selfLog.Write($"Internal error: {e}");
    }

    /// <summary>
    /// The worker could not read <paramref name="count"/> events back from the queue (a bug of ours, or memory ran out):
    /// they were skipped and dropped, and the events after them go on. Said once for the batch being made, with the first error.
    /// </summary>
    public void EventsUnreadable(int count, Exception first)
    {
        Remember($"{Counted.Events(count)} could not be read from the queue and {Counted.Agree(count, "was", "were")} dropped: {first.GetType().Name}: {first.Message}");
        ThreadedLoggingEventSource.Log.EventsUnreadable(count, first.ToString());
        selfLog.Write($"{Counted.Events(count)} could not be read from the queue and {Counted.Agree(count, "was", "were")} dropped (skipped; the events after {Counted.Agree(count, "it", "them")} go on): {first}");
    }

    /// <summary>A log call whose state threw when read (a template with more holes than arguments, a faulty formatter), kept with what could be read.</summary>
    public void CallKeptPartly(string category, Exception e)
    {
        Remember($"{e.GetType().Name}: {e.Message}");
        ThreadedLoggingEventSource.Log.CallKeptPartly(category, e.ToString());
        selfLog.Write($"A log call of category {category} could not be read fully ({e.GetType().Name}: {e.Message}; a template with more holes than arguments?); it was kept with what could be read.");
    }

    private void Remember(string message) => Volatile.Write(ref _last, new ErrorRecord(message, time.GetUtcNow()));

    /// <summary>An error and when it happened.</summary>
    internal sealed record ErrorRecord(string Message, DateTimeOffset Time);
}
