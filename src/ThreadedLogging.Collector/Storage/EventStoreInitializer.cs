namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Opens the store while the host starts; hosted services start before Kestrel, so <c>/health</c>
/// answers only once ingest is possible.
/// </summary>
internal sealed class EventStoreInitializer(IEventStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
