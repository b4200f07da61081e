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

    /// <summary>The store is not open: still opening, or <paramref name="closing"/>.</summary>
    public static EventStoreUnavailableException NotOpen(bool closing) =>
        new(closing ? "The event store is closing." : "The event store is not open yet.");
}
