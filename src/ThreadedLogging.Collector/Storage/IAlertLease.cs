namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Which collector evaluates alerts: with several collectors on one store only one may, or each would notify the same
/// events. The holder keeps it until it stops or loses its connection; then another takes it at its next evaluation.
/// </summary>
internal interface IAlertLease : IAsyncDisposable
{
    /// <summary>Returns whether this collector holds the lease (taking it when free).</summary>
    Task<bool> TryHoldAsync(CancellationToken cancellationToken);
}
