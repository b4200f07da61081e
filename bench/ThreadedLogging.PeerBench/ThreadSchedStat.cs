using System.Globalization;

namespace ThreadedLogging.PeerBench;

/// <summary>
/// The calling thread's scheduler accounting (<c>/proc/thread-self/schedstat</c>: ns on a CPU, ns runnable but
/// waiting for one, times put on a CPU): tells a slow call (on-CPU time) from a call whose thread waited for a core.
/// </summary>
internal readonly record struct ThreadSchedStat(long RunNs, long WaitNs, long Slices)
{
    public static ThreadSchedStat operator -(ThreadSchedStat a, ThreadSchedStat b) => new(a.RunNs - b.RunNs, a.WaitNs - b.WaitNs, a.Slices - b.Slices);

    /// <summary>Reads the current thread's counters; all -1 where the file does not exist (not Linux).</summary>
    public static ThreadSchedStat Read()
    {
        const string path = "/proc/thread-self/schedstat";
        if (!File.Exists(path))
        {
            return new(-1, -1, -1);
        }

        var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new(
            long.Parse(parts[0], CultureInfo.InvariantCulture),
            long.Parse(parts[1], CultureInfo.InvariantCulture),
            long.Parse(parts[2], CultureInfo.InvariantCulture));
    }
}
