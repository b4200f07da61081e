namespace ThreadedLogging;

/// <summary>
/// Where the pipeline reports what went wrong: the self-log, the EventSource, and the last error that
/// <see cref="ThreadedHandlerStatistics.LastError"/> shows. Any thread may report.
/// </summary>
internal sealed class FailureReporter(SelfLog selfLog, TimeProvider time)
{
    private ErrorRecord? _last;

    /// <summary>Gets the last error reported, or <see langword="null"/>.</summary>
    public ErrorRecord? Last => Volatile.Read(ref _last);

    /// <summary>A send failed (it may still be retried).</summary>
    public void SendFailed(int count, string error)
    {
        Remember(error);
        ThreadedLoggingEventSource.Log.SendFailed(count, error);
        selfLog.Write($"Sending {count} events failed: {error}");
    }

    /// <summary>The spool cannot be used: the pipeline goes on in memory.</summary>
    public void SpoolFailed(string? directory, Exception e)
    {
        Remember($"Spool unavailable: {e.Message}");
        ThreadedLoggingEventSource.Log.InternalError(e.ToString());
        selfLog.Write($"The spool at {directory} is unavailable ({e.GetType().Name}: {e.Message}); events are kept in memory only. What it holds stays on disk for the next start.");
    }

    /// <summary>A bug of ours: reported, never thrown into the app.</summary>
    public void InternalError(Exception e)
    {
        Remember($"{e.GetType().Name}: {e.Message}");
        ThreadedLoggingEventSource.Log.InternalError(e.ToString());
        selfLog.Write($"Internal error: {e}");
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
