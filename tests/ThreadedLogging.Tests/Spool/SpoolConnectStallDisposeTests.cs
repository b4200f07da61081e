using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A desktop app with <c>BufferDirectory</c> that quits on a network that silently drops the connection attempt (a laptop
/// on a network without internet, a firewall dropping SYNs): its disposal returns once everything logged is on disk and
/// the only send in flight stalls connecting, without waiting for the connect's timeout (10 s) or the whole
/// <c>ShutdownTimeout</c> (10 min here, the test's own timeout as its bound: no duration is measured); the next start sends
/// every event once. The fault is the kernel's (<see cref="SynDroppingPort"/>): a listener whose accept queue is full.
/// </summary>
public sealed class SpoolConnectStallDisposeTests
{
    /// <summary>
    /// Rows: the disposal beginning with the worker idle (it spools and sends then, the connect beginning during the
    /// shutdown), or with a flush's send already under way; and without the level poll at start, whose connect is
    /// otherwise the first to stall. Before, the disposal ended only when the connect failed at its 10 s timeout (a failed
    /// send, then the retry's wait ended it): <c>Failed</c> was 1 and the self-log said the send failed; now no send
    /// failed, nothing was sent, nothing dropped.
    /// </summary>
    [Theory(Timeout = 120_000)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task Dispose_ConnectStallsWithASpool_ReturnsWithoutWaitingForTheConnect_NextStartSendsEachEventOnce(bool flushFirst, bool levelPoll)
    {
        await using var quit = await SpooledQuit.StartAsync();
        ThreadedHttpHandler offline;
        using (var dropping = new SynDroppingPort())
        {
            offline = quit.Handler(dropping.Host, o =>
            {
                o.LevelPollInterval = levelPoll ? TimeSpan.FromMinutes(1) : TimeSpan.Zero;
                o.RequestTimeout = TimeSpan.FromMinutes(10); // the connect's own timeout (10 s) is the only one before the budget
            });
            SpooledQuit.LogEvents(offline);
            if (flushFirst)
            {
                _ = offline.FlushAsync(); // the worker spools and sends now; never completes while the connect hangs
            }

            await offline.DisposeAsync();
        }

        var statistics = offline.Statistics;
        Assert.Equal(0, statistics.Failed); // before: 1, the connect's timeout (10 s), after which the retry's wait ended the shutdown
        Assert.Null(statistics.LastError);
        Assert.Equal(0, statistics.Sent);
        Assert.Equal(0, statistics.Dropped); // nothing lost: all of it on disk
        Assert.DoesNotContain(quit.SelfLog, line => line.Contains("failed", StringComparison.Ordinal) || line.Contains("not delivered before the shutdown deadline", StringComparison.Ordinal));
        await quit.AssertNextStartSendsEachEventOnceAsync();
    }
}
