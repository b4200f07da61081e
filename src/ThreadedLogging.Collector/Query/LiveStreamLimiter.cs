namespace ThreadedLogging.Collector.Query;

/// <summary>Bounds the open live streams (<c>Collector:MaxLiveStreams</c>): each holds a connection and wakes on every commit.</summary>
internal sealed class LiveStreamLimiter(CollectorOptions options)
{
    private int _open;

    public int Open => Volatile.Read(ref _open);

    public int Max => options.MaxLiveStreams;

    /// <summary>Tests: called when a stream's slot is freed (the signal that a stream closed, where a test would poll <see cref="Open"/>).</summary>
    internal Action? Closed { get; set; }

    /// <summary>Takes a slot, or returns null when every slot is taken; disposing the lease frees it.</summary>
    public IDisposable? TryEnter()
    {
        if (Interlocked.Increment(ref _open) > options.MaxLiveStreams)
        {
            Interlocked.Decrement(ref _open);
            return null;
        }

        return new Lease(this);
    }

    private sealed class Lease(LiveStreamLimiter limiter) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref limiter._open);
                limiter.Closed?.Invoke();
            }
        }
    }
}
