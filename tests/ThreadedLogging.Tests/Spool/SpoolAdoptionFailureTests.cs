using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A dead process's spool whose lock is free but which cannot be read whole (here a segment that cannot be opened: a
/// name in the folder whose file is gone, a dangling link — a real fault that holds for root too, unlike a chmod): its
/// lock is released and nothing of it adopted, said once; this process's own spool and worker go on; it is tried again
/// after the held-spool back-off, and adopted whole, each event sent once, when it can be read. Real spools, real
/// handlers, the real lock file; the handler's clock is a fake one (<see cref="WatchedTime"/>) for the back-off.
/// </summary>
public sealed class SpoolAdoptionFailureTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Look_RootListingFailsThenWorksThenFailsAgain_EachFailureSaid()
    {
        // Before, a failed listing of the spool's root was said once for the life of the process: the root's own entry in
        // the set of what was said was never forgotten, so a later failure, after listings that worked, was not said. The
        // root is moved away (the listing: DirectoryNotFound) and back; passes come from the interval (no events, nothing
        // written), each one the worker's wait on the fake clock: looks at 30 s (fails), 90 s (works) and 210 s (fails).
        using var directory = new TempDirectory();
        var root = Path.Combine(directory.Path, "spool");
        var away = Path.Combine(directory.Path, "away");
        var interval = DurableSpool.FirstAdoptionRetry;
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var selfLog = new ConcurrentQueue<string>();
        var armed = time.Armed(interval);
        await using var handler = new ThreadedHandler(new CollectingSink().Open(), SpoolTests.Options(root, o => (o.TimeProvider, o.Interval, o.SelfLog) = (time, interval, selfLog.Enqueue)));
        await armed.WaitAsync(Safety); // its spool open (the start's look), waiting for the interval

        async Task PassAsync()
        {
            var next = time.Armed(interval);
            time.Advance(interval);
            await next.WaitAsync(Safety); // the pass, and its look if one was due, done: waiting again
        }

        int Said() => selfLog.Count(m => m.Contains("Could not list the spool's folder", StringComparison.Ordinal));

        Directory.Move(root, away);
        await PassAsync(); // 30 s: the look fails
        Assert.Equal(1, Said());
        Directory.Move(away, root);
        await PassAsync(); // 60 s
        await PassAsync(); // 90 s: the look works (the next one 120 s on)
        Directory.Move(root, away);
        for (var i = 0; i < 4; i++)
        {
            await PassAsync(); // 120 … 210 s: the look at 210 s fails
        }

        Directory.Move(away, root);
        Assert.Equal(2, Said());
    }

    [Fact]
    public async Task Start_ADeadSpoolsSegmentCannotBeOpened_LockReleasedSaidOnceOwnSpoolWorks_AdoptedOnceOnceItCanBe()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // a symbolic link needs a privilege there
        }

        // Before, the FileNotFoundException left TryAdopt with the dead spool's lock file open: held by this process for
        // its life (the FileStream below threw "The process cannot access the file … because it is being used by another
        // process"), and, at the start, the exception stopped this handler's own spool (memory only).
        using var directory = new TempDirectory();
        var (dead, segment, unopenable) = await LeaveUnopenableDeadSpoolAsync(directory.Path);

        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var selfLog = new ConcurrentQueue<string>();
        var sink = new CollectingSink().Open();
        var handler = Adopter(directory.Path, time, sink, selfLog);
        await using (handler)
        {
            var logger = handler.CreateLogger("App");
            logger.LogInformation("mine");
            Assert.True(handler.Flush(Safety));
            using (new FileStream(Path.Combine(dead, "lock"), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                // free: another process (or a later pass) can adopt it
            }

            Assert.Equal((0L, 1L, 0L), (handler.Statistics.Adopted, handler.Statistics.Sent, handler.Statistics.Pending));
            Assert.True(File.Exists(segment)); // left as it was
            Assert.DoesNotContain(selfLog, m => m.Contains("The spool at", StringComparison.Ordinal)); // its own spool still works

            time.Advance(DurableSpool.FirstAdoptionRetry);
            logger.LogInformation("tried again, still unreadable");
            Assert.True(handler.Flush(Safety));
            Assert.Equal(0L, handler.Statistics.Adopted);
            Assert.Single(selfLog, m => m.Contains($"Could not adopt the spool of a previous process {dead} (FileNotFoundException", StringComparison.Ordinal));
            using (new FileStream(Path.Combine(dead, "lock"), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                // released again after the second try
            }

            File.Delete(unopenable); // the fault ends
            time.Advance(DurableSpool.FirstAdoptionRetry * 2); // the back-off doubled
            logger.LogInformation("readable");
            Assert.True(handler.Flush(Safety)); // the pass that adopts it: the adopted events are sent first
            Assert.True(handler.Flush(Safety)); // and this one counts them settled too
            var s = handler.Statistics;
            Assert.Equal((50L, 53L, 0L, 0L), (s.Adopted, s.Sent, s.Dropped, s.Pending));
        }

        Assert.Equal(
            ["mine", "tried again, still unreadable", .. Enumerable.Range(0, 50).Select(i => $"event {i}"), "readable"],
            sink.Delivered.Select(e => e.Message));
        Assert.Empty(Directory.GetFiles(directory.Path, "*.seg*", SearchOption.AllDirectories)); // nothing left to send again
        Assert.Single(selfLog, m => m.Contains("Could not adopt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Running_ADeadSpoolFailsAtEachLook_ItsBookmarkAndDamagedHeaderLinesSaidOnce_AsItsFailure()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // a symbolic link needs a privilege there
        }

        // Before, the failure line was said once, but what reading the spool said before it failed (its bookmark ignored,
        // its first record's damaged header) was said again at each try: 4 lines each after the start and three looks.
        using var directory = new TempDirectory();
        var (dead, segment, unopenable) = await LeaveUnopenableDeadSpoolAsync(directory.Path);
        var bytes = await File.ReadAllBytesAsync(segment);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 99_999); // the first record's count: its gzip vouches for its payload
        await File.WriteAllBytesAsync(segment, bytes);
        await File.WriteAllBytesAsync(Path.Combine(dead, SpoolBookmark.FileNameOf(SpoolSegmentName.Version)), "bad"u8.ToArray());

        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var selfLog = new ConcurrentQueue<string>();
        var sink = new CollectingSink().Open();
        var handler = Adopter(directory.Path, time, sink, selfLog);
        await using (handler)
        {
            var logger = handler.CreateLogger("App");
            foreach (var wait in new[] { TimeSpan.Zero, DurableSpool.FirstAdoptionRetry, DurableSpool.FirstAdoptionRetry * 2, DurableSpool.FirstAdoptionRetry * 4 })
            {
                time.Advance(wait);
                logger.LogInformation("try");
                Assert.True(handler.Flush(Safety)); // the start's try, then three looks, each failing
            }

            Assert.Equal(0L, handler.Statistics.Adopted);
            File.Delete(unopenable); // the fault ends
            time.Advance(DurableSpool.FirstAdoptionRetry * 8);
            logger.LogInformation("readable");
            Assert.True(handler.Flush(Safety)); // the pass that adopts it: the adopted events are sent first
            Assert.True(handler.Flush(Safety)); // and this one counts them settled too
            var s = handler.Statistics;
            Assert.Equal((50L, 55L, 0L, 0L), (s.Adopted, s.Sent, s.Dropped, s.Pending));
        }

        Assert.Equal([.. Enumerable.Repeat("try", 4), .. Enumerable.Range(0, 50).Select(i => $"event {i}"), "readable"], sink.Delivered.Select(e => e.Message));
        Assert.Equal(
            (1, 1, 1),
            (selfLog.Count(m => m.Contains($"Ignored the spool's bookmark {dead}", StringComparison.Ordinal)),
                selfLog.Count(m => m.Contains($"of {segment} says it holds 99999 events; its JSON holds", StringComparison.Ordinal)),
                selfLog.Count(m => m.Contains($"Could not adopt the spool of a previous process {dead}", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Running_AnUnreadableDeadSpoolGoneAtALook_Forgotten_SaidAgainWhenAFolderOfItsNameFails()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // a symbolic link needs a privilege there
        }

        // The folders that could not be adopted were kept for the life of the process, gone or not: a long-lived process
        // whose root saw such folders come and go kept every name. A look forgets those gone, as it forgets the folders
        // left alone; so one that comes back and fails is said again (before: once, 1 line here).
        using var directory = new TempDirectory();
        using var aside = new TempDirectory();
        var (dead, _, _) = await LeaveUnopenableDeadSpoolAsync(directory.Path);
        var parked = Path.Combine(aside.Path, "parked");

        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var selfLog = new ConcurrentQueue<string>();
        var sink = new CollectingSink().Open();
        var handler = Adopter(directory.Path, time, sink, selfLog);
        await using (handler)
        {
            var logger = handler.CreateLogger("App");
            logger.LogInformation("start");
            Assert.True(handler.Flush(Safety)); // the start's try: it cannot be read

            Directory.Move(dead, parked); // gone: sent by a newer client, or removed by hand
            time.Advance(DurableSpool.FirstAdoptionRetry);
            logger.LogInformation("gone");
            Assert.True(handler.Flush(Safety)); // a look without it

            Directory.Move(parked, dead); // a folder of that name, unreadable
            time.Advance(DurableSpool.FirstAdoptionRetry * 2); // the back-off doubled
            logger.LogInformation("back");
            Assert.True(handler.Flush(Safety)); // a look that fails on it
            Assert.Equal(0L, handler.Statistics.Adopted);
        }

        Assert.Equal(["start", "gone", "back"], sink.Delivered.Select(e => e.Message));
        Assert.Equal(2, selfLog.Count(m => m.Contains($"Could not adopt the spool of a previous process {dead} (FileNotFoundException", StringComparison.Ordinal)));
    }

    /// <summary>
    /// A dead process's spool of 50 events in <paramref name="root"/> with a second segment that cannot be opened (a link
    /// to nothing, read after the first: that one taken back too): adopting it fails until the link is deleted.
    /// </summary>
    private static async Task<(string Dead, string Segment, string Unopenable)> LeaveUnopenableDeadSpoolAsync(string root)
    {
        await SpoolTests.LeaveFiftyInSpoolAsync(root);
        var dead = Assert.Single(Directory.GetDirectories(root));
        var segment = Assert.Single(Directory.GetFiles(dead, "*.seg*"));
        var unopenable = Path.Combine(dead, "0000000001.seg.v2");
        File.CreateSymbolicLink(unopenable, Path.Combine(root, "gone"));
        return (dead, segment, unopenable);
    }

    /// <summary>The handler that finds such a spool in <paramref name="root"/>: on <paramref name="time"/>, a ShutdownTimeout of 2 min, its self-log kept.</summary>
    private static ThreadedHandler Adopter(string root, WatchedTime time, CollectingSink sink, ConcurrentQueue<string> selfLog) =>
        new(sink, SpoolTests.Options(root, o => (o.TimeProvider, o.ShutdownTimeout, o.SelfLog) = (time, TimeSpan.FromMinutes(2), selfLog.Enqueue)));
}
