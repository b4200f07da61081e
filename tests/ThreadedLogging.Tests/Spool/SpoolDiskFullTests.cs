using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// What a spool leaves on disk when a write fails (a full disk; here a real write fault of the kernel's,
/// <see cref="FileSizeLimit"/>) or its segment being written holds no event of the app at the close: the next start sends and counts
/// exactly what was not settled. At the stage (<see cref="SpoolStage"/>), with the real spool, ledger and delivery, to
/// write at the moment the test chooses.
/// </summary>
[Collection(FileSizeLimitCollection.Name)]
public sealed class SpoolDiskFullTests
{
    private const int SegmentBytes = 8 * 1024; // MaxBufferBytes 64 KiB / 8

    [Fact]
    public async Task Close_DeliveredSegmentFollowedByOneOfADropNoticeOnly_NextStartAdoptsNothing()
    {
        // The first segment, all delivered, stays on disk while it is the one being written (acknowledged, not deleted);
        // the next record, a drop notice alone (counted in no segment: not the app's), started a second one. The close took
        // the spool for empty and deleted the second segment and the bookmark, not the first: the next start read it from
        // its start, sent its events again and counted them adopted and sent again. A disk that fails as the second segment
        // starts (the spool falls back to memory) left the same: a delivered segment on disk, an empty one being written.
        using var directory = new TempDirectory();
        var first = new Stage(directory.Path);
        var spooled = await FillAndDeliverFirstSegmentAsync(first);
        var drops = new QueueDrops(TimeProvider.System, first.Log);
        drops.Add();
        Assert.True(first.Spool.TrySpool([drops.TakeNotice()!]));
        Assert.Equal(2, Directory.GetFiles(first.Spool.DirectoryPath, "*.seg*").Length);
        first.Spool.Close();

        // The notice, not sent, is kept for the next start (deleted at the close, it was lost when the app quit offline),
        // which sends it alone.
        var next = new Stage(directory.Path);
        Assert.Equal(0, next.Ledger.Adopted); // was the first segment's events, delivered already
        var sink = new CollectingSink().Open();
        await next.DeliverAsync(sink);
        next.Spool.Close();
        Assert.Equal((0, 1), (sink.Delivered.Count, sink.Notices.Count));
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path)); // nothing left for a third start either
        Assert.Equal(spooled, first.Ledger.Sent);
    }

    [Fact]
    public async Task WriteRefusedByTheFileSystem_NothingOfTheRecordStaysOnDisk_NextStartAdoptsOnlyWhatWasSpooled()
    {
        // The file system refused a record (here past the file size limit: EFBIG, which .NET throws as an
        // ArgumentOutOfRangeException, so the spool goes on; a full disk's IOException makes it fall back to memory): its
        // batch went from memory, but its bytes stayed in the writer's buffer and reached the segment with the next record
        // (or the close), and the next start sent them again and counted them adopted and sent again.
        using var directory = new TempDirectory();
        var first = new Stage(directory.Path);
        Assert.True(first.TrySpool(0, 5));
        var segment = Path.Combine(first.Spool.DirectoryPath, "0000000000.seg.v2");
        using (FileSizeLimit.Lower(new FileInfo(segment).Length))
        {
            Assert.False(first.TrySpool(5, 5)); // refused: the caller sends it from memory
        }

        Assert.True(first.TrySpool(10, 5));
        first.Spool.Close();

        var next = new Stage(directory.Path);
        Assert.Equal(10, next.Ledger.Adopted); // events 0-4 and 10-14
        var sink = new CollectingSink().Open();
        await next.DeliverAsync(sink);
        next.Spool.Close();
        Assert.Equal([.. Enumerable.Range(0, 5), .. Enumerable.Range(10, 5)], sink.Delivered.Select(e => Convert.ToInt32(e.Properties.Single(p => p.Key == "N").Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(first.SelfLog, line => line.Contains("Specified file length was too large", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DiskFailsWithADropNoticeKept_TheNoticeGoesFromMemory_NextStartDoesNotSendItAgain(bool failsOnTheNoticesBatch)
    {
        // The size cap dropped (the notice kept in drops.json); then the disk failed, on the batch that carries the notice
        // (true) or on one before it, the notice taken into a later batch once the spool had stopped (false). The notice
        // went from memory under the batch's new id, drops.json still held it (the failure's catch and the close persisted
        // nothing once the spool stopped), the close kept the folder for it, and the next start sent it again under the
        // file's id: the collector counted the drops twice.
        using var directory = new TempDirectory();
        var diskFull = false;
        var first = new Stage(directory.Path, beforeWrite: _ =>
        {
            if (diskFull)
            {
                throw new IOException("No space left on device");
            }
        });
        for (var n = 0; first.Ledger.Dropped == 0; n += 5)
        {
            Assert.True(first.TrySpool(n, 5)); // 64 KiB: the oldest segment goes, its notice pending
        }

        var dropped = first.Ledger.Dropped;
        Assert.Single(Directory.GetFiles(first.Spool.DirectoryPath, "drops.json"));
        var sink = new CollectingSink().Open();
        var fromMemory = new List<LogEvent>();
        if (failsOnTheNoticesBatch)
        {
            await first.DeliverAsync(sink); // a record left the spool: the cap no longer drops, the notice goes with the next batch
        }
        else
        {
            diskFull = true;
            Assert.False(first.TrySpool(1000, 5, fromMemory)); // the cap still drops: the notice waits; the batch goes from memory
            Assert.DoesNotContain(fromMemory, e => e.IsExtra);
        }

        diskFull = true;
        Assert.False(first.TrySpool(2000, 5, fromMemory));
        Assert.Single(fromMemory, e => e.IsExtra); // the notice, from memory
        await first.SendFromMemoryAsync(fromMemory, sink);
        first.Spool.Close();
        Assert.Equal(dropped, Assert.Single(sink.Notices).Properties.Single(p => p.Key == "DroppedCount").Value);

        var next = new Stage(directory.Path);
        await next.DeliverAsync(sink);
        next.Spool.Close();
        Assert.Single(sink.Notices); // was 2: the file's copy again, under its own batch id
        Assert.Empty(Directory.GetFiles(directory.Path, "drops.json", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task BooksFrozenBetweenTheNoticesTakingAndItsBatchsSpooling_NextStartSendsTheNoticeOnce()
    {
        // A worker abandoned at shutdown (its sink ignored the deadline) that had taken the pending notice into a batch when
        // the disposal froze the books: TrySpool writes nothing more then, and took the notice's batch id all the same; the
        // close's Persist found nothing pending and no notice taken, and deleted drops.json: the drops were told to no one.
        using var directory = new TempDirectory();
        var first = new Stage(directory.Path);
        for (var n = 0; first.Ledger.Dropped == 0; n += 5)
        {
            Assert.True(first.TrySpool(n, 5)); // 64 KiB: the oldest segment goes, its notice pending
        }

        var dropped = first.Ledger.Dropped;
        await first.DeliverAsync(); // a record left the spool: the cap no longer drops, the notice goes with the next batch
        List<LogEvent> batch = [LogEvent.Create(DateTimeOffset.UnixEpoch, LogLevel.Information, "App", "late", new KeyValuePair<string, object?>("N", 1000))];
        first.Ledger.TakeOff(1);
        Assert.Equal(1, first.Spool.TakeDropNotices(batch));
        first.Ledger.Freeze(); // the disposal's, as the worker goes on to spool that batch
        Assert.True(first.Spool.TrySpool(batch)); // nothing written: counted lost by the shutdown
        first.Spool.Close();

        var next = new Stage(directory.Path);
        var sink = new CollectingSink().Open();
        await next.DeliverAsync(sink);
        next.Spool.Close();
        Assert.Equal(dropped, Assert.Single(sink.Notices).Properties.Single(p => p.Key == "DroppedCount").Value); // was none
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path)); // the notice's file went with its record
    }

    [Fact]
    public async Task AppLogsUnderTheNoticesCategory_ReadBackFromTheSpool_CountedAndSentAsTheApps()
    {
        // An app's event of category ThreadedLogging (CreateLogger("ThreadedLogging")), read back from a record (a next start,
        // a sink that takes no stored envelope, or an envelope refused and resent the ordinary way) was taken for a drop
        // notice by its category: not the app's, so its settling counted one fewer than its record did, and the adopted
        // event stayed pending for ever (a flush never true). The record's header says how many of its events are the app's.
        using var directory = new TempDirectory();
        var first = new Stage(directory.Path);
        List<LogEvent> batch = [LogEvent.Create(DateTimeOffset.UnixEpoch, LogLevel.Information, "App", "a"), LogEvent.Create(DateTimeOffset.UnixEpoch, LogLevel.Information, "ThreadedLogging", "the app's own")];
        first.Ledger.TakeOff(2);
        Assert.True(first.Spool.TrySpool(batch));
        first.Spool.Close();

        var next = new Stage(directory.Path);
        Assert.Equal(2, next.Ledger.Adopted);
        var sink = new CollectingSink().Open();
        await next.DeliverAsync(sink);
        next.Spool.Close();
        Assert.Equal((2L, 0L), (next.Ledger.Sent, next.Ledger.Spooled)); // was (1, 1)
        Assert.Equal(2, Assert.Single(sink.Batches).Events.Count);
    }

    /// <summary>Spools batches of 5 events until the first segment is full, and delivers them all: it stays the segment being written.</summary>
    private static async Task<int> FillAndDeliverFirstSegmentAsync(Stage stage)
    {
        var segment = Path.Combine(stage.Spool.DirectoryPath, "0000000000.seg.v2");
        var spooled = 0;
        while (!File.Exists(segment) || new FileInfo(segment).Length < SegmentBytes)
        {
            Assert.True(stage.TrySpool(spooled, 5));
            spooled += 5;
        }

        await stage.DeliverAsync();
        Assert.Equal((spooled, 0L), (stage.Ledger.Sent, stage.Ledger.Spooled));
        Assert.True(File.Exists(segment));
        return spooled;
    }

    /// <summary>A spool stage on <c>directory</c>, opened, with its own instance id, ledger and self-log.</summary>
    private sealed class Stage
    {
        public Stage(string directory, Action<string>? beforeWrite = null)
        {
            var options = new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, MaxBufferBytes = 64 * 1024, SelfLog = SelfLog.Enqueue, SpoolBeforeWrite = beforeWrite };
            var log = new ThreadedLogging.SelfLog(SelfLog.Enqueue, TimeProvider.System);
            Failures = new FailureReporter(log, TimeProvider.System);
            Identity = LogIdentity.From(options);
            Spool = new SpoolStage(directory, options, Identity, Ledger, Failures, log, new ThreadedTimer(options.Interval, TimeProvider.System), static (_, _) => false);
            Log = log;
            Spool.Open();
        }

        public ConcurrentQueue<string> SelfLog { get; } = new();

        public DeliveryLedger Ledger { get; } = new();

        public SpoolStage Spool { get; }

        public LogIdentity Identity { get; }

        private FailureReporter Failures { get; }

        public ThreadedLogging.SelfLog Log { get; }

        /// <summary>
        /// Spools events <paramref name="from"/>… (<paramref name="count"/>, each with 600 random hex digits: they gzip poorly)
        /// as one batch taken off the queue, with the spool's drop notices when it adds them; a batch it refuses, to go from
        /// memory, is added to <paramref name="refused"/>.
        /// </summary>
        public bool TrySpool(int from, int count, List<LogEvent>? refused = null)
        {
            List<LogEvent> batch = [.. Enumerable.Range(from, count).Select(n => LogEvent.Create(
                DateTimeOffset.UnixEpoch, LogLevel.Information, "App", $"event {n} {Convert.ToHexString(RandomNumberGenerator.GetBytes(300))}", new KeyValuePair<string, object?>("N", n)))];
            Ledger.TakeOff(count);
            Spool.TakeDropNotices(batch);
            var spooled = Spool.TrySpool(batch);
            if (!spooled)
            {
                refused?.AddRange(batch);
            }

            return spooled;
        }

        /// <summary>Sends from memory, as the worker does, what the spool refused.</summary>
        public Task SendFromMemoryAsync(List<LogEvent> events, CollectingSink sink)
        {
            var delivery = new BatchDelivery(sink, new Backoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1)), Ledger, Failures, Log, Spool.WaitBeforeRetryAsync);
            return delivery.DeliverAsync(events, 0, events.Count, null, Identity, spooled: false, settledUpTo: null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        }

        /// <summary>Sends what the spool holds to a sink that takes everything.</summary>
        public Task DeliverAsync(CollectingSink? sink = null)
        {
            var delivery = new BatchDelivery(sink ?? new CollectingSink().Open(), new Backoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1)), Ledger, Failures, Log, Spool.WaitBeforeRetryAsync);
            return Spool.DeliverSpooledAsync(delivery, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
