using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A desktop app with <c>BufferDirectory</c> that quits offline: its disposal returns once everything logged is on disk
/// and a send has just failed, not after the whole <c>ShutdownTimeout</c> of retries (5 s by default, 10 min here: a
/// disposal that waits it out is failed by the test's own timeout, no duration is measured), and the next start sends
/// every event once. Against a real Kestrel on loopback answering 503, and a closed port (connection refused); the
/// disposal beginning as the first send fails, or with sending failing already (the worker waiting out a backoff: an app
/// offline for a while that quits).
/// </summary>
public sealed class SpoolOfflineDisposeTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The closed port: the discard port, where nothing listens for the whole test. A free port picked and let go
    /// (<c>FreeTcpPort</c>) may be handed to another test's server bound to port 0 meanwhile, which would take the events.
    /// </summary>
    private const string Nowhere = "127.0.0.1:9";

    [Theory(Timeout = 120_000)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Dispose_CollectorDownWithASpool_ReturnsWithoutWaitingOutTheBudget_NextStartSendsEachEventOnce(bool closedPort, bool failingAlready)
    {
        // Down: every ingest request answered 503 (the first handler's only), or nothing listening on its port at all.
        await using var quit = await SpooledQuit.StartAsync();
        quit.Server.Refuse = closedPort ? null : LoopbackServer.Everything;
        ThreadedHttpHandler? offline = null;
        var waitingWithAllOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var retryWaiting = 0;
        void Armed(TimeSpan due)
        {
            // The first retry's wait has begun once the timer of its backoff (2.5 to 5 min; no other timer of the handler is
            // due within that) is armed, after the wait's own check of a shutdown in progress. Every event on disk is
            // checked there and at each timer armed after it: the ticker's, once it has moved the rest of the queue.
            if (due >= SpooledQuit.MinRetryDelay / 2 && due <= SpooledQuit.MinRetryDelay)
            {
                Volatile.Write(ref retryWaiting, 1);
            }

            if (Volatile.Read(ref retryWaiting) == 1 && Volatile.Read(ref offline) is { Statistics: { Failed: > 0 } s } && s.Spooled == SpooledQuit.Events)
            {
                waitingWithAllOnDisk.TrySetResult();
            }
        }

        offline = quit.Handler(closedPort ? Nowhere : quit.Server.Host, o =>
        {
            if (failingAlready)
            {
                o.TimeProvider = new ArmingClock(Armed); // the system's clock, watched
            }
        });
        SpooledQuit.LogEvents(offline);
        if (failingAlready)
        {
            // Before: the disposal waited out that backoff (minutes here, MaxRetryDelay's 2 min at the defaults) or the budget.
            // It begins once the wait is under way: a disposal begun before, as the send failed (a6d7913's gate was the
            // failure's SendFailed), was also ended by the wait's check as it began, without a6d7913.
            _ = offline.FlushAsync(); // sends now; never completes while the collector is down
            await waitingWithAllOnDisk.Task.WaitAsync(Safety);
        }

        await offline.DisposeAsync();

        var statistics = offline.Statistics;
        Assert.Equal(0, statistics.Sent);
        Assert.Equal(0, statistics.Dropped); // nothing lost: all of it on disk
        Assert.DoesNotContain(quit.SelfLog, line => line.Contains("not delivered before the shutdown deadline", StringComparison.Ordinal));
        await quit.AssertNextStartSendsEachEventOnceAsync();
    }
}
