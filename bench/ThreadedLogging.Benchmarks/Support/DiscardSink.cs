namespace ThreadedLogging.Benchmarks;

/// <summary>An <see cref="ILogBatchSink"/> that counts and discards (and so keeps no event: the handler pools them): the handler's worker without HTTP, JSON or gzip.</summary>
internal sealed class DiscardSink : ILogBatchSink, ICopiesEvents
{
    private long _events;

    public long Events => Interlocked.Read(ref _events);

    public ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _events, batch.Events.Count);
        return ValueTask.FromResult(SendResult.Success);
    }
}
