using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A handler's start makes its spool's directory, then its lock file, then locks it: separate steps (on Unix
/// <c>FileShare.None</c> is an open, then a lock), between which another process (one starting at the same moment, a
/// client of an earlier version, or, before, any running process's look for dead spools) may lock the new directory
/// first. The starter must keep a spool of its own: its events on disk, sent once. The window cannot be timed for real
/// without sleeps, so the test takes it through a fault hook (<c>ThreadedHandlerOptions.SpoolBeforeLock</c>, called
/// between the two steps); the lock taken there is a real one (a <see cref="FileStream"/> with <see cref="FileShare.None"/>),
/// and the look a real handler's, on a fake clock (<see cref="WatchedTime"/>).
/// </summary>
public sealed class SpoolStartRaceTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Start_LockFileDeletedByAnotherProcessAsItIsLocked_SpoolsInAnother_EventsOnDiskSentOnce()
    {
        // Another process's start locked the brand-new directory in this one's open-to-lock window, found it empty, let go
        // and deleted its lock file and the directory: this one then holds a lock on a deleted file. Before, it went on
        // with it and ran memory-only (Spooled 0: its segments could not be made in a directory that was gone). The
        // interleaving (open, the other's lock-read-release, the flock, the other's deletion) cannot be made without
        // sleeps: the fault hook after the lock does the deletion.
        using var directory = new TempDirectory();
        var deleted = false;
        var starter = Starter.Start(directory.Path, o =>
        {
            o.SpoolAfterLock = path =>
            {
                if (!deleted)
                {
                    deleted = true;
                    File.Delete(path);
                    Directory.Delete(Path.GetDirectoryName(path)!);
                }
            };
        });
        await starter.Sending.WaitAsync(Safety);
        Assert.Equal(50, starter.Handler.Statistics.Spooled);
        var own = Path.Combine(directory.Path, starter.Handler.Identity.InstanceId);
        Assert.NotEmpty(Directory.GetFiles(own + "-2", "*.seg*"));
        Assert.Single(starter.SelfLog, m => m.Contains($"The spool's directory {own} was locked by another process before this one locked it (its lock file deleted as this one locked it)", StringComparison.Ordinal));
        await starter.QuitAsync(); // the 50 on disk, its lock free: as a process that died

        await AssertNextStartSendsEachOnceAsync(directory.Path, Starter.Events);
    }

    [Fact]
    public async Task Start_AnotherProcessLocksTheNewDirectoryFirst_SpoolsInAnother_EventsOnDiskSentOnce()
    {
        // Before, the lock's IOException left DurableSpool.Open and the handler ran memory-only for its whole life:
        // Spooled 0, its events lost at a crash.
        using var directory = new TempDirectory();
        FileStream? taken = null;
        var starter = Starter.Start(directory.Path, o =>
        {
            // Another process locks the new directory between its making and its lock (once: that process holds one).
            o.SpoolBeforeLock = path => taken ??= new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        });
        await starter.Sending.WaitAsync(Safety);
        Assert.Equal(50, starter.Handler.Statistics.Spooled);
        var own = Path.Combine(directory.Path, starter.Handler.Identity.InstanceId);
        Assert.NotEmpty(Directory.GetFiles(own + "-2", "*.seg*"));
        Assert.Single(starter.SelfLog, m => m.Contains($"The spool's directory {own} was locked by another process before this one locked it", StringComparison.Ordinal));
        await starter.QuitAsync(); // the 50 on disk, its lock free: as a process that died

        taken!.Dispose(); // the other process lets go of the directory it took (empty)
        await AssertNextStartSendsEachOnceAsync(directory.Path, Starter.Events);
        Assert.Empty(starter.Stuck.Delivered);
        Assert.Empty(Directory.GetFileSystemEntries(directory.Path)); // the lost directory too: the next start found it empty
    }

    [Fact]
    public async Task Start_AnotherStartAdoptsBeforeTheLockFileIsMade_MakesNoLockFile_TheStarterKeepsItsDirectory_EventsSentOnce()
    {
        // Before, the other start's adoption (DurableSpool.TryAdopt) opened each directory's lock file with OpenOrCreate: it
        // made the lock file of the starter's brand-new directory, locked it, found it empty, deleted it with the directory,
        // and the starter lost its directory (DirectoryNotFound: it spooled in another, <id>-2). The same open made again a
        // lock file a deleter had just unlinked, so that a starter holding the unlinked one found the path naming a file and
        // kept a spool that adoption then deleted. An adoption now never makes a lock file: only the directory's maker does.
        using var directory = new TempDirectory();
        var otherSink = new CollectingSink().Open();
        ThreadedHandler? other = null;
        var starter = Starter.Start(directory.Path, o =>
        {
            // Another handler starts (and adopts) between the making of the starter's directory and of its lock file.
            o.SpoolBeforeLock = _ =>
            {
                if (other is null)
                {
                    other = new ThreadedHandler(otherSink, SpoolTests.Options(directory.Path));
                    other.CreateLogger("Other").LogInformation("other started");
                    Assert.True(other.Flush(Safety)); // its start done, adoption included
                }
            };
        });
        await starter.Sending.WaitAsync(Safety);
        Assert.NotNull(other);
        Assert.Equal(50, starter.Handler.Statistics.Spooled);
        var own = Path.Combine(directory.Path, starter.Handler.Identity.InstanceId);
        Assert.NotEmpty(Directory.GetFiles(own, "*.seg*")); // its own directory, not another
        Assert.DoesNotContain(starter.SelfLog, m => m.Contains("was locked by another process", StringComparison.Ordinal));
        await starter.QuitAsync(); // the 50 on disk, its lock free: as a process that died
        await other.DisposeAsync();
        Assert.Equal((0L, 1L), (other.Statistics.Adopted, other.Statistics.Sent));

        await AssertNextStartSendsEachOnceAsync(directory.Path, Starter.Events);
        Assert.Empty(starter.Stuck.Delivered);
    }

    [Fact]
    public async Task Start_ADeleterUnlinkedTheLockFileAsItWasLocked_AnotherStartsAdoptionMakesItNotAgain_TheStarterSpoolsInAnother_EventsSentOnce()
    {
        // The reviewer's three processes (dbf2e62): a starter opened its new directory's lock file; a deleter locked it in the
        // starter's open-to-lock window, found the directory empty, unlinked the lock file and let go; the starter's lock then
        // held the unlinked file. Another process's start, adopting, opened the lock file's path with OpenOrCreate: it made it
        // again and locked that, so the starter's check (the path still naming a file) kept the directory, and the adoption,
        // finding it empty, deleted it: the starter spooled nothing (its first segment: DirectoryNotFound). Spool instances
        // stand for the processes, their files and locks real; the deleter's unlink is done in the starter's AfterLock hook
        // (its lock-read-release in the open-to-lock window cannot be made without sleeps), and the adoption is held in
        // TryAdopt's AdoptLocked hook, between its lock and its deletion, until the starter's check is done.
        using var directory = new TempDirectory();
        var reports = new ConcurrentQueue<string>();
        var starter = new DurableSpool(directory.Path, "starter", 1 << 20, TimeSpan.FromDays(1), TimeProvider.System) { Report = reports.Enqueue };
        var adopter = new DurableSpool(directory.Path, "adopter", 1 << 20, TimeSpan.FromDays(1), TimeProvider.System);
        var starterDirectory = Path.Combine(directory.Path, "starter");
        var adoptionLocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var resume = new ManualResetEventSlim();
        adopter.AdoptLocked = locked =>
        {
            if (locked == starterDirectory)
            {
                adoptionLocked.TrySetResult();
                Assert.True(resume.Wait(Safety)); // held between its lock and its deletion while the starter checks its own
            }
        };
        Task? adopting = null;
        starter.AfterLock = path =>
        {
            if (adopting is null)
            {
                File.Delete(path); // the deleter's unlink: the starter holds a lock on a file no path names
                adopting = Task.Run(() => adopter.Open());
                Task.WaitAny([adoptionLocked.Task, adopting], Safety); // the adoption holds the starter's directory, or is done
            }
        };

        await Task.Run(() => starter.Open()).WaitAsync(Safety); // its check done (and its own adoption: the adopter's held)
        resume.Set();
        await adopting!.WaitAsync(Safety);

        Assert.True(Directory.Exists(starter.DirectoryPath), $"the starter's directory {starter.DirectoryPath} was deleted by the adoption");
        Assert.False(adoptionLocked.Task.IsCompleted, "the adoption locked a lock file of the starter's directory it made again");
        Assert.Equal(starterDirectory + "-2", starter.DirectoryPath);
        Assert.Single(reports, m => m.Contains($"The spool's directory {starterDirectory} was locked by another process before this one locked it (its lock file deleted as this one locked it)", StringComparison.Ordinal));
        AppendThreeEvents(starter);
        Assert.NotEmpty(Directory.GetFiles(starter.DirectoryPath, "*.seg*"));
        Assert.Equal(0, adopter.PendingEvents);
        adopter.Dispose();
        starter.Dispose(); // the 3 on disk, its lock free: as a process that died

        await AssertNextStartSendsEachOnceAsync(directory.Path, 3);
    }

    [Fact]
    public async Task Start_ADeleterUnlinkedTheLockFileAndAnEarlierBuildsAdoptionMadeItAgain_TheStarterSpoolsInAnother_EventsSentOnce()
    {
        // The same three processes with the adoption an earlier build's (of before dbf2e62, whose TryAdopt opened the lock
        // file with OpenOrCreate, as an app running two builds side by side during an upgrade has): it made the lock file
        // again and held it while the starter checked; that check, the name naming a file, kept the directory the
        // adoption then found empty and deleted: the starter's spool failed at its first segment (DirectoryNotFound). An
        // earlier build cannot run here: its adoption is what its code did, with a real FileStream and real files.
        using var directory = new TempDirectory();
        var reports = new ConcurrentQueue<string>();
        var starter = new DurableSpool(directory.Path, "starter", 1 << 20, TimeSpan.FromDays(1), TimeProvider.System) { Report = reports.Enqueue };
        var starterDirectory = Path.Combine(directory.Path, "starter");
        var lockFile = Path.Combine(starterDirectory, "lock");
        FileStream? earlierAdoption = null;
        starter.AfterLock = path =>
        {
            if (earlierAdoption is null)
            {
                File.Delete(path); // the deleter's unlink: the starter holds a lock on a file no path names
                earlierAdoption = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); // made again, locked
            }
        };

        await Task.Run(() => starter.Open()).WaitAsync(Safety); // its check done while the earlier build's adoption holds the lock file

        // That adoption finds no segment and deletes the directory as those builds did: the lock file unlinked, let go,
        // then the directory if empty.
        Assert.NotNull(earlierAdoption);
        if (Directory.GetFiles(starterDirectory, "*.seg*").Length == 0)
        {
            File.Delete(lockFile);
            earlierAdoption.Dispose();
            if (!Directory.EnumerateFileSystemEntries(starterDirectory).Any())
            {
                Directory.Delete(starterDirectory);
            }
        }

        Assert.True(Directory.Exists(starter.DirectoryPath), $"the starter's directory {starter.DirectoryPath} was deleted by the adoption");
        Assert.Equal(starterDirectory + "-2", starter.DirectoryPath);
        Assert.Single(reports, m => m.Contains($"The spool's directory {starterDirectory} was locked by another process before this one locked it (its lock file deleted as this one locked it)", StringComparison.Ordinal));
        AppendThreeEvents(starter);
        Assert.NotEmpty(Directory.GetFiles(starter.DirectoryPath, "*.seg*"));
        starter.Dispose(); // the 3 on disk, its lock free: as a process that died

        await AssertNextStartSendsEachOnceAsync(directory.Path, 3);
    }

    [Fact]
    public async Task Running_ALookWhileAnotherHandlerMakesItsDirectory_LeavesItAlone_ItSpoolsThereAndTheLookAdoptsItLater()
    {
        // Before, the look took the new directory (its lock file made, not locked yet) for a dead, empty spool: it locked
        // it, let go and deleted its lock file and the directory, and the starter's lock then failed (DirectoryNotFound):
        // memory-only for its whole life, Spooled 0.
        using var directory = new TempDirectory();
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var lookerSink = new CollectingSink().Open();
        await using var looker = new ThreadedHandler(lookerSink, SpoolTests.Options(directory.Path, o => (o.TimeProvider, o.ShutdownTimeout) = (time, TimeSpan.FromMinutes(2))));
        var lookerLogger = looker.CreateLogger("Looker");
        lookerLogger.LogInformation("started");
        Assert.True(looker.Flush(Safety)); // its spool open: its first look 30 s on

        var looked = false;
        var starter = Starter.Start(directory.Path, o =>
        {
            o.SpoolBeforeLock = path =>
            {
                if (!looked)
                {
                    looked = true;
                    File.WriteAllBytes(path, []); // the starter's open of its lock file: made, not locked yet
                    time.Advance(DurableSpool.FirstAdoptionRetry);
                    lookerLogger.LogInformation("looks");
                    Assert.True(looker.Flush(Safety)); // the pass that looks, in the window
                }
            };
        });
        await starter.Sending.WaitAsync(Safety);
        Assert.True(looked);
        Assert.Equal(50, starter.Handler.Statistics.Spooled);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(directory.Path, starter.Handler.Identity.InstanceId), "*.seg*")); // its own, not another
        Assert.DoesNotContain(starter.SelfLog, m => m.Contains("was locked by another process", StringComparison.Ordinal));
        await starter.QuitAsync();

        time.Advance(DurableSpool.FirstAdoptionRetry * 2); // the look that found nothing doubled the wait
        lookerLogger.LogInformation("adopts");
        Assert.True(looker.Flush(Safety)); // the pass that adopts it: the adopted events are sent first
        Assert.True(looker.Flush(Safety)); // and this one counts them settled too
        var s = looker.Statistics;
        Assert.Equal((50L, 53L, 0L), (s.Adopted, s.Sent, s.Dropped));
        Assert.Equal(
            ["started", "looks", .. Enumerable.Range(0, 50).Select(i => $"event {i}"), "adopts"],
            lookerSink.Delivered.Select(e => e.Message));
    }

    [Fact]
    public async Task Start_FoldersACrashLeftWithoutLockFileOrSegment_EmptyOrABookmarkOnly_Deleted()
    {
        // A crash between the making of a folder and of its lock file leaves it empty; one during a deletion, or a
        // disposal that could not delete the bookmark, leaves a bookmark alone. Neither holds anything to send. Before, a
        // start's adoption skipped every folder without lock file or segment (taken for a maker's, not locked yet) and a
        // look skipped folders without segments: they stayed on disk for ever, unsaid.
        using var directory = new TempDirectory();
        var empty = Directory.CreateDirectory(Path.Combine(directory.Path, "deadbeef")).FullName;
        Directory.SetLastWriteTimeUtc(empty, DateTime.UtcNow.AddHours(-1)); // the crash an hour ago
        var bookmarkOnly = Directory.CreateDirectory(Path.Combine(directory.Path, "deadbeef-2")).FullName;
        var earlierBookmarkOnly = Directory.CreateDirectory(Path.Combine(directory.Path, "deadbeef-3")).FullName;
        foreach (var (folder, version) in new[] { (bookmarkOnly, SpoolSegmentName.Version), (earlierBookmarkOnly, 1) })
        {
            using var bookmark = new SpoolBookmark(folder, version); // its segments all deleted
            bookmark.Write(SpoolSegmentName.Of(0), 120, 0, 0);
        }

        var selfLog = new ConcurrentQueue<string>();
        var sink = new CollectingSink().Open();
        await using (var handler = new ThreadedHandler(sink, SpoolTests.Options(directory.Path, o => o.SelfLog = selfLog.Enqueue)))
        {
            handler.CreateLogger("App").LogInformation("started");
            Assert.True(handler.Flush(Safety));
            Assert.Equal((0L, 1L), (handler.Statistics.Adopted, handler.Statistics.Sent));
        }

        Assert.Empty(Directory.GetFileSystemEntries(directory.Path).Select(Path.GetFileName)); // the handler's own too: nothing left in it
        Assert.DoesNotContain(selfLog, m => m.Contains("Adopted", StringComparison.Ordinal) || m.Contains("Could not", StringComparison.Ordinal) || m.Contains("Ignored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Running_ALookAfterOthersCrashedLeavingFoldersWithoutLockFileOrSegment_DeletesThemButAYoungEmptyOne()
    {
        // Left by processes that crashed after this one started: a look deletes them, as a start does. Before, looks skipped
        // every folder without segments. An empty folder made less than LeftEmptyAge ago may be a maker's, about to make its
        // lock file: left.
        using var directory = new TempDirectory();
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var sink = new CollectingSink().Open();
        var selfLog = new ConcurrentQueue<string>();
        await using var handler = new ThreadedHandler(sink, SpoolTests.Options(directory.Path, o => (o.TimeProvider, o.SelfLog) = (time, selfLog.Enqueue)));
        var logger = handler.CreateLogger("App");
        logger.LogInformation("started");
        Assert.True(handler.Flush(Safety)); // its spool open: its first look 30 s on

        var empty = Directory.CreateDirectory(Path.Combine(directory.Path, "deadbeef")).FullName;
        Directory.SetLastWriteTimeUtc(empty, DateTime.UtcNow.AddHours(-1));
        var young = Directory.CreateDirectory(Path.Combine(directory.Path, "deadbeef-2")).FullName;
        Directory.SetLastWriteTimeUtc(young, time.GetUtcNow().UtcDateTime);
        var bookmarkOnly = Directory.CreateDirectory(Path.Combine(directory.Path, "deadbeef-3")).FullName;
        using (var bookmark = new SpoolBookmark(bookmarkOnly, SpoolSegmentName.Version))
        {
            bookmark.Write(SpoolSegmentName.Of(0), 120, 0, 0);
        }

        time.Advance(DurableSpool.FirstAdoptionRetry);
        logger.LogInformation("looks");
        Assert.True(handler.Flush(Safety)); // the pass that looks
        Assert.Equal(new[] { young, Path.Combine(directory.Path, handler.Identity.InstanceId) }.Order(StringComparer.Ordinal), Directory.GetDirectories(directory.Path).Order(StringComparer.Ordinal));
        Assert.Equal((0L, 2L), (handler.Statistics.Adopted, handler.Statistics.Sent));
        Assert.DoesNotContain(selfLog, m => m.Contains("Adopted", StringComparison.Ordinal) || m.Contains("Could not", StringComparison.Ordinal) || m.Contains("Ignored", StringComparison.Ordinal));
    }

    /// <summary>
    /// The next start, on <paramref name="directory"/>, after the starter's end (as a process that died): adopts the
    /// <paramref name="count"/> events left on disk and sends each once, in order (<c>event 0</c>, <c>event 1</c>, …).
    /// </summary>
    private static async Task AssertNextStartSendsEachOnceAsync(string directory, int count)
    {
        var sink = new CollectingSink().Open();
        await using (var next = new ThreadedHandler(sink, SpoolTests.Options(directory)))
        {
            Assert.True(next.Flush(Safety));
            Assert.Equal(((long)count, (long)count, 0L), (next.Statistics.Adopted, next.Statistics.Sent, next.Statistics.Dropped));
        }

        Assert.Equal(Enumerable.Range(0, count).Select(i => $"event {i}"), sink.Delivered.Select(e => e.Message));
    }

    /// <summary>Writes three events (<c>event 0</c> to <c>event 2</c>) to a spool of the <c>starter</c> instance, synced.</summary>
    private static void AppendThreeEvents(DurableSpool starter)
    {
        var identity = new LogIdentity { App = "App", Version = "1.0", User = "ann", Machine = "m", ProcessId = 7, InstanceId = "starter" };
        var events = Enumerable.Range(0, 3)
            .Select(i => new LogEvent(DateTimeOffset.UtcNow, LogLevel.Information, "App", default, "event {N}", $"event {i}", [new("N", i)], null, null))
            .ToArray();
        starter.Append(new LogBatch("b1", events, identity), events.Length);
        starter.Sync();
    }

    /// <summary>
    /// A handler whose spool's start the test disturbs (<c>SpoolBeforeLock</c>, <c>SpoolAfterLock</c>), which logs
    /// <see cref="Events"/> events its sink never takes (its gate never opened): they stay in the spool. <see cref="Sending"/>
    /// completes once the worker sends the first spooled batch (every event on disk by then); <see cref="QuitAsync"/>
    /// disposes it and waits until it said that the events remain in its spool, its lock free: as a process that died.
    /// </summary>
    private sealed class Starter
    {
        public const int Events = 50;
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private Starter(string directory, Action<ThreadedHandlerOptions> hooks)
        {
            Handler = new ThreadedHandler(Stuck, SpoolTests.Options(directory, o =>
            {
                hooks(o);
                o.SelfLog = m =>
                {
                    SelfLog.Enqueue(m);
                    if (m.Contains($"{Events} events remain in the spool", StringComparison.Ordinal))
                    {
                        _closed.TrySetResult();
                    }
                };
            }));
        }

        public CollectingSink Stuck { get; } = new();

        public ConcurrentQueue<string> SelfLog { get; } = new();

        public ThreadedHandler Handler { get; }

        public Task Sending => Stuck.SendStarted.Task;

        public static Starter Start(string directory, Action<ThreadedHandlerOptions> hooks)
        {
            var starter = new Starter(directory, hooks);
            var logger = starter.Handler.CreateLogger("App");
            for (var i = 0; i < Events; i++)
            {
                logger.LogInformation("event {N}", i);
            }

            _ = starter.Handler.FlushAsync();
            return starter;
        }

        public async Task QuitAsync()
        {
            await Handler.DisposeAsync();
            await _closed.Task.WaitAsync(Safety);
        }
    }
}
