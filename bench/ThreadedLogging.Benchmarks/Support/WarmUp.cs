using System.Diagnostics;
using System.Runtime;

namespace ThreadedLogging.Benchmarks;

/// <summary>
/// Warms a candidate up until the JIT is done with it: bursts, each drained, with a pause after each for
/// tiered compilation (its call-counting delay is 100 ms), until no method was compiled during three rounds
/// in a row. A fixed count of warm-up bursts was not enough on a slow machine: the worker's and Kestrel's
/// many methods (System.Text.Json, HTTP, gzip) were still being recompiled 60 bursts later, and the JIT's
/// thread took CPU from the caller in the measured bursts.
/// </summary>
internal static class WarmUp
{
    private const int QuietRounds = 3;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>Runs <paramref name="burst"/> then <paramref name="drain"/> until the JIT is quiet; returns the rounds run.</summary>
    public static int UntilJitQuiet(Action burst, Action drain)
    {
        var started = Stopwatch.StartNew();
        var quiet = 0;
        var rounds = 0;
        while (quiet < QuietRounds && started.Elapsed < Limit)
        {
            var compiled = JitInfo.GetCompiledMethodCount();
            for (var i = 0; i < 5; i++)
            {
                burst();
                drain();
            }

            Thread.Sleep(Pause);
            rounds++;
            quiet = JitInfo.GetCompiledMethodCount() == compiled ? quiet + 1 : 0;
        }

        return rounds;
    }
}
