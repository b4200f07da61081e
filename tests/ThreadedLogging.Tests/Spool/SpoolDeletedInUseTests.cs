using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Http;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// The spool's folder deleted while the app runs (review15: <c>rm -rf</c> of the BufferDirectory with the collector down,
/// then the disposal). Before, the handler wrote on into files no name led to, the close said "3000 events remain in the
/// spool at …; the next start of the app sends them", and the next start found nothing: 0 of 3,000. Now its directory is
/// made again at the next fsync or the close, what it held written there again from the files still open; when it cannot
/// be (the folder replaced by a file), what it held is counted and said lost, never said to remain. Against a real Kestrel
/// on loopback and the real file system.
/// </summary>
public sealed class SpoolDeletedInUseTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 120_000)]
    public async Task SpoolFolderDeleted_CollectorDown_Disposed_NextStartSendsEachEventOnce()
    {
        await using var quit = await SpooledQuit.StartAsync();
        var offline = await SpoolAllAsync(quit);
        Directory.Delete(quit.Directory.Path, recursive: true); // rm -rf the BufferDirectory

        await offline.DisposeAsync();

        Assert.Equal(0, offline.Statistics.Dropped);
        await quit.AssertNextStartSendsEachEventOnceAsync(); // before: none adopted (Expected 25, Actual 0), none received
        Assert.Contains(quit.SelfLog, line => line.Contains("was deleted or replaced while in use (its lock file is gone): it is made again", StringComparison.Ordinal));
    }

    [Fact(Timeout = 120_000)]
    public async Task SpoolFolderReplacedByAFile_CollectorDown_Disposed_EventsCountedAndSaidLost()
    {
        await using var quit = await SpooledQuit.StartAsync();
        var offline = await SpoolAllAsync(quit);
        Directory.Delete(quit.Directory.Path, recursive: true);
        await File.WriteAllTextAsync(quit.Directory.Path, "not a folder");

        await offline.DisposeAsync();

        // Before: "25 events remain in the spool at …; the next start of the app sends them", Dropped 0.
        Assert.Equal(SpooledQuit.Events, offline.Statistics.Dropped);
        Assert.Contains(quit.SelfLog, line => line.Contains($"{SpooledQuit.Events} events are lost: the spool's directory ", StringComparison.Ordinal));
        Assert.DoesNotContain(quit.SelfLog, line => line.Contains(" remain in the spool at ", StringComparison.Ordinal));
        File.Delete(quit.Directory.Path);
    }

    [Fact]
    public void SpoolLockFileAloneDeleted_MadeAgainAtTheNextSync_AnotherStartAdoptsNothing()
    {
        // Its lock file alone deleted: another process's start took the directory for a dead one's (its lock free), adopted
        // and sent what it holds while this one sends it too. Now the next fsync makes the lock file again and locks it.
        using var directory = new TempDirectory();
        var identity = LogIdentity.From(new ThreadedHandlerOptions());
        var reports = new List<string>();
        using var spool = new DurableSpool(directory.Path, "running", 1 << 20, TimeSpan.FromDays(1), TimeProvider.System) { Report = reports.Add };
        spool.Open();
        spool.Append(Batch(identity, "first"), 1);
        spool.Sync();
        var lockFile = Path.Combine(spool.DirectoryPath, "lock");
        File.Delete(lockFile);

        spool.Append(Batch(identity, "second"), 1);
        spool.Sync();

        Assert.True(File.Exists(lockFile)); // before: gone
        Assert.Contains(reports, r => r.Contains("its lock file is gone", StringComparison.Ordinal));
        using var other = new DurableSpool(directory.Path, "other", 1 << 20, TimeSpan.FromDays(1), TimeProvider.System);
        other.Open();
        Assert.Equal(0, other.PendingEvents); // before: 2, adopted from a live spool
        Assert.Equal(2, spool.PendingEvents);
    }

    [Fact]
    public void SpoolFolderDeleted_FilesWrittenAgainAtTheNextSync_WhatWasDeliveredNotSentAgain()
    {
        // Two segments, the first partly delivered (its bookmark): after the folder is deleted, the next fsync writes both
        // again from their handles, and the bookmark; a next start sends the rest once.
        using var directory = new TempDirectory();
        var identity = LogIdentity.From(new ThreadedHandlerOptions());
        var spool = new DurableSpool(directory.Path, "running", 64 * 1024, TimeSpan.FromDays(1), TimeProvider.System);
        spool.Open();
        for (var n = 0; spool.Segments.Count < 2; n++)
        {
            spool.Append(Batch(identity, $"event {n} {Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(300))}"), 1);
        }

        spool.Sync();
        var written = spool.PendingEvents;
        Assert.True(spool.TryReadNext(out var first));
        spool.Acknowledge(first);
        Directory.Delete(directory.Path, recursive: true);

        spool.Append(Batch(identity, "after"), 1);
        spool.Sync();

        Assert.True(Directory.Exists(spool.DirectoryPath));
        Assert.Equal(written, spool.PendingEvents); // one delivered, one more written
        var left = new DurableSpool(directory.Path, "next", 64 * 1024, TimeSpan.FromDays(1), TimeProvider.System);
        spool.Dispose(); // its lock let go: what it holds stays for the next start
        left.Open();
        Assert.Equal(written, left.PendingEvents); // before: 0, its files gone
        left.Dispose();
    }

    private static LogBatch Batch(LogIdentity identity, string message) =>
        new(BatchDelivery.NewBatchId(), [LogEvent.Create(DateTimeOffset.UtcNow, LogLevel.Information, "App", message)], identity);

    /// <summary>The quitting handler, the collector down (503): returns once all its events are spooled and a send from the spool was refused.</summary>
    private static async Task<ThreadedHttpHandler> SpoolAllAsync(SpooledQuit quit)
    {
        var refused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        quit.Server.Refuse = _ =>
        {
            refused.TrySetResult();
            return true;
        };
        var allOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var offline = quit.Handler(quit.Server.Host);
        offline.Ledger.MovedToSpool = spooled =>
        {
            if (spooled == SpooledQuit.Events)
            {
                allOnDisk.TrySetResult();
            }
        };
        SpooledQuit.LogEvents(offline);
        _ = offline.FlushAsync(); // never completes while the collector is down
        await Task.WhenAll(refused.Task, allOnDisk.Task).WaitAsync(Safety);
        return offline;
    }
}
