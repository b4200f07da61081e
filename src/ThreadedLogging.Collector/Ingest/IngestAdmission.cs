namespace ThreadedLogging.Collector.Ingest;

/// <summary>
/// Bounds the ingest requests at work (parsing, waiting for the single writer; not reading the body,
/// issue 15 §1). Beyond
/// <see cref="CollectorOptions.MaxPendingIngests"/> the collector answers 429 with Retry-After at once,
/// rather than accepting what it cannot store in time: clients keep the batch and retry.
/// </summary>
internal sealed class IngestAdmission(CollectorOptions options)
{
    private int _pending;

    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Tests: called when a request is admitted (the signal that it is at work, where a test would poll <see cref="Pending"/>).</summary>
    internal Action? Admitted { get; set; }

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _pending) <= options.MaxPendingIngests)
        {
            Admitted?.Invoke();
            return true;
        }

        Interlocked.Decrement(ref _pending);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _pending);
}
