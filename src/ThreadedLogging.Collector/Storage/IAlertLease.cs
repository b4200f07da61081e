namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Which collector evaluates alerts: with several collectors on one store only one may, or each would notify the same
/// events. The holder keeps it until it stops or loses its connection; then another takes it at its next evaluation.
/// </summary>
internal interface IAlertLease : IAsyncDisposable
{
    /// <summary>Returns whether this collector holds the lease (taking it when free).</summary>
    Task<bool> TryHoldAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Gets how many times this collector has taken the lease: it changes whenever a hold begins anew (another collector
    /// may have evaluated in between, even within one <see cref="TryHoldAsync"/> that found its session gone and took the
    /// lease again), so the evaluator reads the rules' saved state again.
    /// </summary>
    long Taken { get; }
}
