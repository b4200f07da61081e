namespace ThreadedLogging.Collector.Storage;

/// <summary>The lease of a store that one collector owns (SQLite: <c>DataDirectoryLock</c>): always held.</summary>
internal sealed class SoleCollectorAlertLease : IAlertLease
{
    public Task<bool> TryHoldAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    /// <inheritdoc />
    public long Taken => 1;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
