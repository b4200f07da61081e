namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Whether the store can be reached now, as the engine knows it: which of its failures mean "down, try later" (the API
/// answers 503 + Retry-After, not 500) and a cheap check for <c>/health</c>. Registered by each engine; SQLite, a file
/// opened at start, is always reachable (<see cref="OpenFileAvailability"/>).
/// </summary>
internal interface IStoreAvailability
{
    /// <summary>
    /// Returns the reason when <paramref name="exception"/>, thrown by the store, means it cannot be reached now (down,
    /// restarting, out of connections): the same request may succeed later. Null for any other failure (a defect).
    /// </summary>
    string? Unavailable(Exception exception);

    /// <summary>Checks that the store can be reached: null when it can, else the reason. Cached briefly, so polling it costs nothing.</summary>
    ValueTask<string?> CheckAsync(CancellationToken cancellationToken);
}
