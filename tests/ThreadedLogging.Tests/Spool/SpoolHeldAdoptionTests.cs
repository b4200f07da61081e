using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A spool whose lock is held when a handler opens its own (a live process's, or one a worker of this process abandoned at
/// its handler's disposal still holds after <c>AbandonedSpools.MaxWait</c>), or one that a process or handler started
/// later leaves when it ends, is adopted on a later pass of the worker once it is free, not left until the next start of
/// the app: sent once, counted adopted. Real spools, real handlers, the real lock file; the handler's clock is a fake one
/// (<see cref="WatchedTime"/>) so that the wait and the back-off end on cue.
/// </summary>
public sealed class SpoolHeldAdoptionTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Start_AbandonedWorkerHoldsASpoolPastTheWait_AdoptedOnceItLetsGo_SentExactlyOnce()
    {
        // Before, the wait timed out and the directory was taken for a live process's: the 50 stayed on disk after the
        // first's worker let go, until the next start of the app (WaitForBatchesAsync timed out).
        using var directory = new TempDirectory();
        var deaf = new DeafSink();
        var first = new ThreadedHandler(deaf, SpoolTests.Options(directory.Path));
        var firstLogger = first.CreateLogger("App");
        for (var i = 0; i < 50; i++)
        {
            firstLogger.LogInformation("event {N}", i);
        }

        _ = first.FlushAsync();
        await deaf.SendStarted.Task.WaitAsync(Safety); // spooled, then stuck in a send that ignores cancellation
        await first.DisposeAsync(); // abandoned at its budget: its worker, and the lock on its directory, live on

        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var waiting = time.Armed(AbandonedSpools.MaxWait);
        var selfLog = new ConcurrentQueue<string>();
        var sink = new CollectingSink().Open();
        var second = new ThreadedHandler(sink, SpoolTests.Options(directory.Path, o =>
        {
            (o.TimeProvider, o.ShutdownTimeout, o.SelfLog) = (time, TimeSpan.FromMinutes(2), selfLog.Enqueue);
        }));
        await using (second)
        {
            await waiting.WaitAsync(Safety); // its worker waits for the first's directory
            time.Advance(AbandonedSpools.MaxWait); // the wait ends, the directory still held
            second.CreateLogger("App").LogInformation("mine");
            Assert.True(second.Flush(Safety));
            Assert.Equal((0L, 1L), (second.Statistics.Adopted, second.Statistics.Sent));
            Assert.Contains(selfLog, m => m.Contains("is still held, after 10 s, by a worker of this process", StringComparison.Ordinal));

            deaf.Release(); // the first's worker ends and lets go of its directory: the second's worker is woken, no clock moved
            await sink.WaitForBatchesAsync(2);
            Assert.True(second.Flush(Safety));
            var s = second.Statistics;
            Assert.Equal((50L, 51L, 0L, 0L), (s.Adopted, s.Sent, s.Dropped, s.Pending));
        }

        Assert.Equal(["mine", .. Enumerable.Range(0, 50).Select(i => $"event {i}")], sink.Delivered.Select(e => e.Message));
        Assert.Empty(Directory.GetFiles(directory.Path, "*.seg*", SearchOption.AllDirectories)); // nothing left to send again
        Assert.Contains(selfLog, m => m.Contains("Adopted the spool of a previous process", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_SpoolLockedByAnotherProcess_AdoptedAfterTheBackoffOnceFree_SentExactlyOnce()
    {
        // Before, a spool locked at the start was never looked at again by this process: Adopted stayed 0.
        using var directory = new TempDirectory();
        await SpoolTests.LeaveFiftyInSpoolAsync(directory.Path);
        var other = Assert.Single(Directory.GetDirectories(directory.Path));
        var otherLock = new FileStream(Path.Combine(other, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); // held, as by its live process

        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var sink = new CollectingSink().Open();
        await using (var handler = new ThreadedHandler(sink, SpoolTests.Options(directory.Path, o => (o.TimeProvider, o.ShutdownTimeout) = (time, TimeSpan.FromMinutes(2)))))
        {
            var logger = handler.CreateLogger("App");
            logger.LogInformation("while held");
            Assert.True(handler.Flush(Safety));
            Assert.Equal(0L, handler.Statistics.Adopted);

            otherLock.Dispose(); // that process ends
            logger.LogInformation("free, within the back-off");
            Assert.True(handler.Flush(Safety)); // a pass: its lock is not tried again yet
            Assert.Equal(0L, handler.Statistics.Adopted);

            time.Advance(DurableSpool.FirstAdoptionRetry);
            logger.LogInformation("after the back-off");
            Assert.True(handler.Flush(Safety)); // the pass that adopts it: the adopted events are sent first
            Assert.True(handler.Flush(Safety)); // and these count them: settled too
            var s = handler.Statistics;
            Assert.Equal((50L, 53L, 0L, 0L), (s.Adopted, s.Sent, s.Dropped, s.Pending));
        }

        Assert.Equal(
            ["while held", "free, within the back-off", .. Enumerable.Range(0, 50).Select(i => $"event {i}"), "after the back-off"],
            sink.Delivered.Select(e => e.Message));
        Assert.Empty(Directory.GetFiles(directory.Path, "*.seg*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Running_AHandlerStartedLaterEndsWithEventsSpooled_AdoptedAtTheNextLook_EachSentOnceFromItsBookmark()
    {
        // Before, other spools were looked for at the start only (and those held then retried): the 50 that a handler
        // started after this one left on disk stayed there until the app's next start (Adopted stayed 0).
        using var directory = new TempDirectory();
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var sink = new CollectingSink().Open();
        await using (var handler = new ThreadedHandler(sink, SpoolTests.Options(directory.Path, o => (o.TimeProvider, o.ShutdownTimeout) = (time, TimeSpan.FromMinutes(2)))))
        {
            var logger = handler.CreateLogger("App");
            logger.LogInformation("started");
            Assert.True(handler.Flush(Safety)); // its spool open, alone in the folder
            time.Advance(DurableSpool.FirstAdoptionRetry);
            logger.LogInformation("first look");
            Assert.True(handler.Flush(Safety)); // a look that finds nothing: the next one twice as far

            var laterSink = await LeaveFiftyAfterTenSentAsync(directory.Path); // started after this one: 10 sent, 50 left, its bookmark past the 10

            time.Advance(DurableSpool.FirstAdoptionRetry);
            logger.LogInformation("before the next look");
            Assert.True(handler.Flush(Safety));
            Assert.Equal(0L, handler.Statistics.Adopted);

            time.Advance(DurableSpool.FirstAdoptionRetry);
            logger.LogInformation("second look");
            Assert.True(handler.Flush(Safety)); // the pass that adopts it: the adopted events are sent first
            Assert.True(handler.Flush(Safety)); // and these count them: settled too
            var s = handler.Statistics;
            Assert.Equal((50L, 54L, 0L, 0L), (s.Adopted, s.Sent, s.Dropped, s.Pending));
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"early {i}"), laterSink.Delivered.Select(e => e.Message));
        }

        Assert.Equal(
            ["started", "first look", "before the next look", .. Enumerable.Range(0, 50).Select(i => $"event {i}"), "second look"],
            sink.Delivered.Select(e => e.Message)); // none of the 10 the other sent: its bookmark
        Assert.Empty(Directory.GetFiles(directory.Path, "*.seg*", SearchOption.AllDirectories)); // nothing left to send again
    }

    [Fact]
    public async Task Flush_ALookAdoptsASpoolWhileItWaits_TrueOnlyOnceItsOwnEventsAreSent()
    {
        // Before, a flush's target was fixed when it was called (what was logged and adopted until then): the 50 a look
        // adopted while it waited were sent first and their settling reached it, so it answered true with its own 10
        // refused (503) and unsent.
        using var directory = new TempDirectory();
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var sink = new CollectingSink
        {
            Decide = b => b.Events.Any(e => e.Message.StartsWith("mine", StringComparison.Ordinal))
                ? new SendResult(SendOutcome.Transient, RetryAfter: RetryAfter, Error: "503")
                : SendResult.Success,
        }.Open();
        await using var handler = new ThreadedHandler(sink, SpoolTests.Options(directory.Path, o => o.TimeProvider = time)); // its disposal leaves the 10 on disk after 300 ms
        var logger = handler.CreateLogger("App");
        logger.LogInformation("started");
        Assert.True(handler.Flush(Safety)); // its spool open, alone in the folder
        await LeaveFiftyAfterTenSentAsync(directory.Path); // a dead spool of 50, left after the start
        time.Advance(DurableSpool.FirstAdoptionRetry); // a look is due: at the worker's next pass, which the flush wakes

        for (var i = 0; i < 10; i++)
        {
            logger.LogInformation("mine {N}", i);
        }

        using var cancel = new CancellationTokenSource();
        var flush = handler.FlushAsync(cancel.Token);
        var adoptedSent = handler.Ledger.WaitUntilSettledAsync(51, CancellationToken.None); // "started" and the 50 the look adopts as the flush waits: registered after the flush, so completed after it
        Assert.True(await adoptedSent.WaitAsync(Safety));

        Assert.False(flush.IsCompleted, "the flush answered with its own 10 unsent");
        Assert.DoesNotContain(sink.Delivered, e => e.Message.StartsWith("mine", StringComparison.Ordinal));
        var s = handler.Statistics;
        Assert.Equal((50L, 51L, 10L), (s.Adopted, s.Sent, s.Pending));
        await cancel.CancelAsync();
        Assert.False(await flush); // its own 10 still refused: not settled
    }

    [Fact]
    public async Task Running_ASpoolOfANewerFormatFoundAtTheStart_LaterLooksLeaveItAlone_SaidOnceCountedOnce()
    {
        // A guard of the looks themselves (main, which never looked again, passes it): without the directories left
        // alone, each look left it again, said it again (3 lines) and counted its bytes against MaxBufferBytes again.
        using var directory = new TempDirectory();
        await SpoolTests.LeaveFiftyInSpoolAsync(directory.Path);
        var written = Assert.Single(Directory.GetFiles(directory.Path, "*.seg*", SearchOption.AllDirectories));
        var newer = Path.Combine(Path.GetDirectoryName(written)!, "0000000000.seg.v3");
        File.Move(written, newer);
        var bytes = new FileInfo(newer).Length;

        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var selfLog = new ConcurrentQueue<string>();
        var sink = new CollectingSink().Open();
        await using (var handler = new ThreadedHandler(sink, SpoolTests.Options(directory.Path, o =>
        {
            (o.TimeProvider, o.ShutdownTimeout, o.SelfLog) = (time, TimeSpan.FromMinutes(2), selfLog.Enqueue);
        })))
        {
            var logger = handler.CreateLogger("App");
            foreach (var wait in new[] { TimeSpan.Zero, DurableSpool.FirstAdoptionRetry, DurableSpool.FirstAdoptionRetry * 2 })
            {
                time.Advance(wait);
                logger.LogInformation("after {Wait}", wait);
                Assert.True(handler.Flush(Safety)); // the start's pass, then two looks
            }

            Assert.Equal((0L, 3L), (handler.Statistics.Adopted, handler.Statistics.Sent));
        }

        var line = Assert.Single(selfLog, m => m.Contains(newer, StringComparison.Ordinal));
        Assert.Contains($"Their {bytes} bytes count against MaxBufferBytes", line, StringComparison.Ordinal);
        Assert.True(File.Exists(newer)); // for a client of its version
    }

    /// <summary>
    /// A handler on <paramref name="directory"/> that sends 10 events, then spools 50 its receiver refuses (503) until its
    /// disposal, which leaves them on disk, its lock free, as a process that died would: what the next start adopts.
    /// </summary>
    private static async Task<CollectingSink> LeaveFiftyAfterTenSentAsync(string directory)
    {
        var sends = 0;
        var retried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new CollectingSink
        {
            Decide = _ =>
            {
                if (Interlocked.Increment(ref sends) == 1)
                {
                    return SendResult.Success;
                }

                retried.TrySetResult();
                return new SendResult(SendOutcome.Transient, Error: "503");
            },
        }.Open();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ThreadedHandler(sink, SpoolTests.Options(directory, o => o.SelfLog = m =>
        {
            if (m.Contains("50 events remain in the spool", StringComparison.Ordinal))
            {
                closed.TrySetResult();
            }
        }));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 10; i++)
        {
            logger.LogInformation("early {N}", i);
        }

        Assert.True(handler.Flush(Safety));
        for (var i = 0; i < 50; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        _ = handler.FlushAsync();
        await retried.Task.WaitAsync(Safety); // spooled, then refused
        Assert.Equal(50, handler.Statistics.Spooled);
        await handler.DisposeAsync();
        await closed.Task.WaitAsync(Safety);
        return sink;
    }
}
