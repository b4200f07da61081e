using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Http;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// A start whose own spool cannot be made (a full disk: here its lock file's write refused, through the spool's seam
/// before its lock, as <c>ENOSPC</c> is, which no test can make without root) while an earlier run's spool waits there:
/// that spool is still adopted, sent once to a real collector on loopback, and deleted, which frees the disk; then the
/// handler's own spool is made and spools again. Before, nothing was adopted while its own spool failed: the events stayed
/// on disk, the disk full, for ever (review13, a 1 MB tmpfs: 0 of 46,000 sent).
/// </summary>
public sealed class SpoolOwnUnmadeTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OwnDirectoryCannotBeMade_NothingLeftBehind_MadeWhenTriedAgain(bool lockFileMade)
    {
        // Refused before its lock file is made, or as it is marked once locked (a full disk refuses the write): before, the
        // folder (and its lock file) stayed, one more at each start on that disk.
        using var directory = new TempDirectory();
        var full = true;
        void Fault(string path)
        {
            if (full)
            {
                throw new IOException("No space left on device");
            }
        }

        var reports = new List<string>();
        using var spool = new DurableSpool(directory.Path, "own", 1 << 20, TimeSpan.FromDays(1), TimeProvider.System) { Report = reports.Add };
        if (lockFileMade)
        {
            spool.AfterLock = Fault;
        }
        else
        {
            spool.BeforeLock = Fault;
        }

        Assert.Throws<IOException>(spool.OpenOwn);
        Assert.Empty(reports);
        Assert.False(spool.OwnOpen);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path, "*", SearchOption.AllDirectories));

        full = false;
        spool.OpenOwn();
        Assert.True(spool.OwnOpen);
        Assert.Equal(Path.Combine(directory.Path, "own"), spool.DirectoryPath);
    }

    [Fact]
    public async Task OwnSpoolCannotBeMade_EarlierRunsSpoolSentOnceAndDeleted_ThenItSpoolsAgain()
    {
        await using var quit = await SpooledQuit.StartAsync();
        quit.Server.Refuse = LoopbackServer.Everything;
        var offline = quit.Handler(quit.Server.Host);
        SpooledQuit.LogEvents(offline);
        await offline.DisposeAsync(); // the collector down: every event stays in the spool
        var dead = Assert.Single(Directory.GetDirectories(quit.Directory.Path));

        quit.Server.Refuse = null;
        var locks = 0;
        var selfLog = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var spoolsAgain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var next = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(quit.Server, o =>
        {
            o.BufferDirectory = quit.Directory.Path;
            o.SelfLog = m =>
            {
                selfLog.Enqueue(m);
                if (m.Contains("events are spooled again", StringComparison.Ordinal))
                {
                    spoolsAgain.TrySetResult();
                }
            };
            o.SpoolBeforeLock = _ =>
            {
                if (Interlocked.Increment(ref locks) == 1)
                {
                    throw new IOException("No space left on device"); // the start's: its own spool cannot be made
                }
            };
        }));

        Assert.True(next.Flush(Safety));
        Assert.Equal(SpooledQuit.Events, next.Statistics.Adopted);
        Assert.Equal(SpooledQuit.Events, next.Statistics.Sent);
        quit.AssertEachEventReceivedOnce();
        Assert.Contains(selfLog, m => m.Contains("could not be created or opened (IOException: No space left on device)", StringComparison.Ordinal));

        // Its own spool, tried again once the adopted one was sent and deleted (after the flush's answer: its last record
        // settled), works now: what is logged is spooled.
        await spoolsAgain.Task.WaitAsync(Safety);
        Assert.False(Directory.Exists(dead)); // sent and deleted: the disk has room again
        next.CreateLogger("App").LogInformation("after {M}", 1); // a property: the collector reads each event's (SpooledQuit)
        Assert.True(next.Flush(Safety));
        Assert.Equal(SpooledQuit.Events + 1, next.Statistics.Sent);
        var own = Assert.Single(Directory.GetDirectories(quit.Directory.Path));
        Assert.NotEqual(dead, own);
        Assert.Single(Directory.GetFiles(own, "*.seg*")); // written there before it was sent (kept while it is the one written)
        Assert.Equal(2, Volatile.Read(ref locks)); // the start's own directory, removed when it failed, and the one made again
    }
}
