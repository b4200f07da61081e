using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A handler disposed while its worker waits (<c>AbandonedSpools.MaxWait</c>, 10 s) for a spool that a worker of the same
/// process, abandoned at its own shutdown, still holds: it adopts nothing after its disposal, so its statistics stay as the
/// disposal left them and still add up, and the spool is left whole for the next handler. Real spools, real handlers; the
/// first one's sink hangs until the test releases it (<see cref="DeafSink"/>, the fault nothing real makes on cue).
/// </summary>
public sealed class SpoolAdoptionAtDisposalTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Dispose_WhileWaitingForAnAbandonedWorkersSpool_AdoptsNothingAfter_StatisticsAddUp_NextHandlerSendsIt()
    {
        // Before, the wait ran on past the disposal (abandoning the worker), then adopted the 50 into books the disposal
        // had closed: Adopted 50 and Pending 50 appeared after Dispose, never sent nor counted lost; and the next handler
        // found the spool locked by that worker, adopted nothing, and left the 50 on disk for the next start of the app.
        using var directory = new TempDirectory();
        var deaf = new DeafSink();
        var first = new ThreadedHandler(deaf, SpoolTests.Options(directory.Path));
        var logger = first.CreateLogger("App");
        for (var i = 0; i < 50; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        _ = first.FlushAsync();
        await deaf.SendStarted.Task.WaitAsync(Safety); // spooled, then stuck in a send that ignores cancellation
        await first.DisposeAsync(); // abandoned at its budget: its worker, and the lock on its directory, live on

        var selfLog = new List<string>();
        var second = new ThreadedHandler(new CollectingSink().Open(), SpoolTests.Options(directory.Path, o => o.SelfLog = m => { lock (selfLog) { selfLog.Add(m); } }));
        await second.DisposeAsync(); // its worker waits for the first's directory: the disposal comes first
        var atDispose = Counts(second.Statistics);

        deaf.Release(); // the first's worker ends, its spool closes
        var sink = new CollectingSink().Open();
        ThreadedHandlerStatistics adopter;
        await using (var third = new ThreadedHandler(sink, SpoolTests.Options(directory.Path)))
        {
            // Waits for the release of the second's directory too (its worker's spool closed), then adopts the first's.
            Assert.True(third.Flush(Safety));
            adopter = third.Statistics;
        }

        Assert.Equal((0L, 0L, 0L, 0L, 0L), atDispose); // enqueued, adopted, sent, dropped, pending
        Assert.Equal(atDispose, Counts(second.Statistics)); // and so they stay
        Assert.Equal((50L, 50L), (adopter.Adopted, adopter.Sent)); // before: 0, the spool locked by the second's worker when it looked
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"event {i}"), sink.Delivered.Select(e => e.Message));
        lock (selfLog)
        {
            Assert.Contains(selfLog, m => m.Contains("disposed before it adopted the spool", StringComparison.Ordinal));
        }
    }

    private static (long Enqueued, long Adopted, long Sent, long Dropped, long Pending) Counts(ThreadedHandlerStatistics s) =>
        (s.Enqueued, s.Adopted, s.Sent, s.Dropped, s.Pending);
}
