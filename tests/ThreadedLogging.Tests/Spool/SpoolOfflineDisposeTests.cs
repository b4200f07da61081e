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
        var failedWithAllOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var failures = new SendFailures(() =>
        {
            // Said on the worker at each failed send, just before it waits the backoff: checked there, its own handler only.
            if (Volatile.Read(ref offline) is { Statistics: { Failed: > 0 } s } && s.Spooled == SpooledQuit.Events)
            {
                failedWithAllOnDisk.TrySetResult();
            }
        });
        offline = quit.Handler(closedPort ? $"127.0.0.1:{FreeTcpPort.Next()}" : quit.Server.Host);
        SpooledQuit.LogEvents(offline);
        if (failingAlready)
        {
            // Before: the disposal waited out that backoff (minutes here, MaxRetryDelay's 2 min at the defaults) or the budget.
            _ = offline.FlushAsync(); // sends now; never completes while the collector is down
            await failedWithAllOnDisk.Task.WaitAsync(Safety);
        }

        await offline.DisposeAsync();

        var statistics = offline.Statistics;
        Assert.Equal(0, statistics.Sent);
        Assert.Equal(0, statistics.Dropped); // nothing lost: all of it on disk
        Assert.DoesNotContain(quit.SelfLog, line => line.Contains("not delivered before the shutdown deadline", StringComparison.Ordinal));
        await quit.AssertNextStartSendsEachEventOnceAsync();
    }
}
