using System.Collections.Concurrent;

namespace ThreadedLogging;

/// <summary>
/// Spool directories of this process whose handler was disposed while its worker was still running (a sink
/// that outlived the shutdown budget): the directory stays locked until that worker stops. A handler started
/// in the same process meanwhile (a host that rebuilds its logging) waits, boundedly, for that release before
/// it looks at the directory, instead of taking it for a live process's and never adopting what it holds.
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

    /// <summary>
    /// Waits (at most <see cref="MaxWait"/>) until an abandoned worker of this process released <paramref name="directory"/>,
    /// if one holds it; false when <paramref name="stop"/> (the waiting handler's shutdown) ended the wait first.
    /// </summary>
    public static bool WaitForRelease(string directory, CancellationToken stop)
    {
        if (Releases.TryGetValue(Path.GetFullPath(directory), out var released))
        {
            try
            {
                released.Wait(MaxWait, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return false;
            }
        }

        return !stop.IsCancellationRequested;
    }
}
