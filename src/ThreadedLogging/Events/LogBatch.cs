namespace ThreadedLogging;

/// <summary>A batch of events handed to an <see cref="ILogBatchSink"/>, in delivery order.</summary>
public sealed class LogBatch
{
    internal LogBatch(string id, IReadOnlyList<LogEvent> events, LogIdentity identity)
    {
        Id = id;
        Events = events;
        Identity = identity;
    }

    /// <summary>Gets the idempotency id of the batch; a retry of the same batch carries the same id.</summary>
    public string Id { get; }

    /// <summary>Gets the events, oldest first.</summary>
    public IReadOnlyList<LogEvent> Events { get; }

    /// <summary>Gets the identity of the handler that sends the batch.</summary>
    public LogIdentity Identity { get; }
}
