namespace ThreadedLogging.PeerBench;

/// <summary>What the counting server received for one run.</summary>
internal sealed class RunCounter
{
    private readonly HashSet<string> _batchIds = new(StringComparer.Ordinal);
    private long _events;
    private long _requests;
    private long _duplicates;
    private long _lastArrivalUnixMs;

    public long Events => Interlocked.Read(ref _events);

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Gets the events of requests whose idempotency key was seen before (a resent batch); not in <see cref="Events"/>.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Gets the wall clock (Unix ms) when the last counted request had been read.</summary>
    public long LastArrivalUnixMs => Interlocked.Read(ref _lastArrivalUnixMs);

    public void Add(long events, string? batchId)
    {
        Interlocked.Increment(ref _requests);
        if (batchId is not null)
        {
            lock (_batchIds)
            {
                if (!_batchIds.Add(batchId))
                {
                    Interlocked.Add(ref _duplicates, events);
                    return;
                }
            }
        }

        Interlocked.Add(ref _events, events);
        Interlocked.Exchange(ref _lastArrivalUnixMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }
}
