namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// The store cannot take writes now (disk full, file locked or unreadable, not open yet, shutting down):
/// nothing of the batch was committed and the same request may succeed later (ingest answers 503 +
/// Retry-After). Any other exception from a store is a defect, not a reason for the client to retry.
/// </summary>
internal sealed class EventStoreUnavailableException : Exception
{
    public EventStoreUnavailableException()
    {
    }

    public EventStoreUnavailableException(string message)
        : base(message)
    {
    }

    public EventStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Gets why the write failed, in words <c>/health</c> may show to anyone (no server address, user or driver error):
    /// "disk full", "PostgreSQL cannot take writes". Null when the store is not open (starting, closing), which is no
    /// failed write (<see cref="StoreWriteState"/>).
    /// </summary>
    public string? FailureReason { get; init; }

    /// <summary>The store is not open: still opening, or <paramref name="closing"/>.</summary>
    public static EventStoreUnavailableException NotOpen(bool closing) =>
        new(closing ? "The event store is closing." : "The event store is not open yet.");
}
