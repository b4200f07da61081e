namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Erases everything stored of one user (a right-to-erasure request): the events, their full text, the user's row of the
/// users list and the names nothing else refers to any more. In short transactions, so ingest of other users goes on.
/// </summary>
internal interface IUserErasure
{
    /// <summary>
    /// Erases the events of <paramref name="user"/>, matched as the <c>user</c> filter matches (ASCII case ignored), and
    /// returns how many; 0 for an unknown user. Returns once everything is committed, the full-text entries too. A call
    /// cut short (cancelled, a failure) leaves a consistent store; calling again finishes the work.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="user"/> is null or empty.</exception>
    /// <exception cref="EventStoreUnavailableException">The store is not open or is closing.</exception>
    Task<long> EraseUserAsync(string user, CancellationToken cancellationToken);
}
