namespace ThreadedLogging.Collector.Storage;

/// <summary>A store in local files (SQLite): once open it stays reachable; its own refusals come as <see cref="EventStoreUnavailableException"/>.</summary>
internal sealed class OpenFileAvailability : IStoreAvailability
{
    public string? Unavailable(Exception exception) => null;

    public ValueTask<string?> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
