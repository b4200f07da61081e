using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A handler whose own spool cannot be made (a full disk: its lock file's write refused through the spool's seam, as
/// <c>ENOSPC</c> is) and that sends only what an earlier run left, to a collector that is down (a real Kestrel on loopback
/// answering 503), disposed with nothing of its own in memory: the disposal returns once the adopted record's send failed,
/// not after the whole <c>ShutdownTimeout</c> (10 min here: the test's own timeout fails a disposal that waits it out, no
/// duration is measured); what it adopted stays on disk, and the next start sends each event once.
/// </summary>
public sealed class SpoolAdoptedOnlyDisposeTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 120_000)]
    public async Task Dispose_OwnSpoolUnmadeAndCollectorDown_ReturnsWithoutWaitingOutTheBudget_NextStartSendsEachEventOnce()
    {
        await using var quit = await SpooledQuit.StartAsync();
        quit.Server.Refuse = LoopbackServer.Everything;
        var offline = quit.Handler(quit.Server.Host);
        SpooledQuit.LogEvents(offline);
        await offline.DisposeAsync(); // every event stays in the spool

        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        quit.Server.Refuse = _ =>
        {
            sending.TrySetResult(); // the adopted record is being sent, and refused
            return true;
        };
        var selfLog = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var next = quit.Handler(quit.Server.Host, o =>
        {
            o.SelfLog = selfLog.Enqueue;
            o.SpoolBeforeLock = _ => throw new IOException("No space left on device");
        });
        await sending.Task.WaitAsync(Safety);
        Assert.Equal(SpooledQuit.Events, next.Statistics.Adopted);

        await next.DisposeAsync(); // before: waited out the 10 min budget
        Assert.Equal((0L, 0L), (next.Statistics.Sent, next.Statistics.Dropped));
        Assert.DoesNotContain(selfLog, line => line.Contains("not delivered before the shutdown deadline", StringComparison.Ordinal));

        // Where they remain: in the spools under the BufferDirectory, not the handler's own folder, never made (before: named).
        var remain = Assert.Single(selfLog, line => line.Contains("remain in the spool at", StringComparison.Ordinal));
        Assert.Contains($" {SpooledQuit.Events} events remain in the spool at {quit.Directory.Path} (in the spools earlier runs left there: this run's own could not be made);", remain, StringComparison.Ordinal);
        Assert.DoesNotContain(next.Identity.InstanceId, remain, StringComparison.Ordinal);
        await quit.AssertNextStartSendsEachEventOnceAsync();
    }
}
