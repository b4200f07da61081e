using System.Globalization;

namespace ThreadedLogging.PeerBench;

/// <summary>
/// The CPU time of this process's background JIT: the runtime's tiered-compilation thread(s) (named
/// <c>.NET Tiered Compilation Worker</c>, <c>comm</c> cut to 15 characters), which recompile hot methods with full
/// optimization while the burst runs and the worker ships, on the same two cores. Tier-0 compilation runs on the
/// calling threads and is in their time, not here. A thread that ended between two reads takes its time with it (the
/// runtime ends an idle worker after a few seconds), so a difference is a lower bound; -1 where <c>/proc</c> is absent.
/// </summary>
internal static class JitThreadTime
{
    private const string Tasks = "/proc/self/task";

    public static double ReadMs()
    {
        if (!Directory.Exists(Tasks))
        {
            return -1;
        }

        long ns = 0;
        foreach (var thread in Directory.EnumerateDirectories(Tasks))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(thread, "comm")).StartsWith(".NET Tiered Com", StringComparison.Ordinal))
                {
                    ns += long.Parse(File.ReadAllText(Path.Combine(thread, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // the thread ended while it was read
            }
        }

        return ns / 1e6;
    }
}
