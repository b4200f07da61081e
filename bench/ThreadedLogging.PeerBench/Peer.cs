using Microsoft.Extensions.Logging;

namespace ThreadedLogging.PeerBench;

/// <summary>One configured peer in this process: its logger factory, how to drain it, how to dispose it.</summary>
internal sealed class Peer(ILoggerFactory factory) : IDisposable
{
    public ILogger Logger { get; } = factory.CreateLogger("PeerBench");

    /// <summary>Gets how to wait until everything logged is sent (true) or the timeout passed (false); null: the peer has no flush, Dispose drains.</summary>
    public Func<TimeSpan, bool>? Drain { get; init; }

    /// <summary>Gets what else to dispose after the factory (a provider the factory does not own).</summary>
    public Action? DisposeExtra { get; init; }

    /// <summary>Gets the peer's own count of dropped events, where it has one.</summary>
    public Func<long>? LibraryDropped { get; init; }

    public void Dispose()
    {
        factory.Dispose();
        DisposeExtra?.Invoke();
    }
}
