using System.Collections.Concurrent;

namespace ThreadedLogging;

/// <summary>
/// Spool directories of this process whose handler was disposed while its worker was still running (a sink
/// that outlived the shutdown budget): the directory stays locked until that worker stops. A handler started
/// in the same process meanwhile (a host that rebuilds its logging) waits, boundedly, for that release before
/// it looks at the directory, instead of taking it for a live process's; if the wait ends first, it adopts the
/// directory once released (<see cref="DurableSpool.AdoptAbandoned"/>).
/// </summary>
internal static class AbandonedSpools
{
    /// <summary>How long opening a spool waits for an abandoned worker of this process to let go of a directory.</summary>
    internal static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    private static readonly ConcurrentDictionary<string, Task> Releases = new(StringComparer.Ordinal);

    /// <summary>Records that <paramref name="directory"/> is released when <paramref name="released"/> completes.</summary>
    public static void Add(string directory, Task released)
    {
        var key = Path.GetFullPath(directory);
        Releases[key] = released;
        released.ContinueWith(
            _ => Releases.TryRemove(new KeyValuePair<string, Task>(key, released)),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>What completes when the abandoned worker of this process that holds <paramref name="directory"/> lets go of it; null when none does.</summary>
    public static Task? ReleaseOf(string directory) => Releases.TryGetValue(Path.GetFullPath(directory), out var released) ? released : null;

    /// <summary>
    /// Waits (at most <see cref="MaxWait"/> on <paramref name="time"/>, the handler's clock) until <paramref name="released"/>
    /// (<see cref="ReleaseOf"/>) completes, if there is one; false when <paramref name="stop"/> (the waiting handler's
    /// shutdown) ended the wait first.
    /// </summary>
    public static bool WaitForRelease(Task? released, TimeProvider time, CancellationToken stop)
    {
        if (released is { IsCompleted: false })
        {
            try
            {
                // WhenAny: completes when the release does, faulted or not (the close's own failure is the abandoned worker's to say).
                Task.WhenAny(released).WaitAsync(MaxWait, time, stop).GetAwaiter().GetResult();
            }
            catch (TimeoutException)
            {
                // Still held: the caller adopts it once released.
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return false;
            }
        }

        return !stop.IsCancellationRequested;
    }
}
