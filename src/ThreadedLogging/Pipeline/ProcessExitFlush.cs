namespace ThreadedLogging;

/// <summary>
/// Delivers what is queued when the process ends without disposing its handlers, within their shutdown budget: a
/// return from <c>Main</c> or <see cref="Environment.Exit"/> (<see cref="AppDomain.ProcessExit"/>) and an unhandled
/// exception (<see cref="AppDomain.UnhandledException"/>: .NET raises no ProcessExit then), as NLog flushes at exit.
/// A worker is a background thread: without this it dies with the process, and the events logged last — often the
/// ones that say why the process ended — are lost. Every live handler flushes at once, so the end waits for the
/// longest budget, not their sum. Disposing the handler unregisters it.
/// </summary>
internal sealed class ProcessExitFlush : IDisposable
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<ProcessExitFlush> Live = [];
    private static bool s_subscribed;

    private readonly Func<CancellationToken, Task<bool>> _flush;
    private readonly TimeSpan _budget;

    /// <param name="flush">The handler's flush.</param>
    /// <param name="budget">How long the process's end may wait for it (<see cref="ThreadedHandlerOptions.ShutdownTimeout"/>).</param>
    public ProcessExitFlush(Func<CancellationToken, Task<bool>> flush, TimeSpan budget)
    {
        _flush = flush;
        _budget = budget;
        lock (Gate)
        {
            if (!s_subscribed)
            {
                AppDomain.CurrentDomain.ProcessExit += static (_, _) => FlushAll();
                AppDomain.CurrentDomain.UnhandledException += static (_, e) =>
                {
                    if (e.IsTerminating)
                    {
                        FlushAll();
                    }
                };
                s_subscribed = true;
            }

            Live.Add(this);
        }
    }

    public void Dispose()
    {
        lock (Gate)
        {
            Live.Remove(this);
        }
    }

    private static void FlushAll()
    {
        ProcessExitFlush[] live;
        lock (Gate)
        {
            live = [.. Live];
        }

        Task.WaitAll([.. live.Select(handler => handler.FlushAsync())]);
    }

    private async Task FlushAsync()
    {
        using var budget = new CancellationTokenSource(_budget);
        try
        {
            await _flush(budget.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The process is ending: nothing may be thrown into its exit.
        }
    }
}
