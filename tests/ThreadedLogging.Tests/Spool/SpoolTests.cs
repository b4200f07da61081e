using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

public sealed class SpoolTests
{
    /// <summary>A spool in <paramref name="directory"/>, no timer flush, fast retries, a short shutdown.</summary>
    internal static ThreadedHandlerOptions Options(string directory, Action<ThreadedHandlerOptions>? configure = null)
    {
        var options = new ThreadedHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            BufferDirectory = directory,
            Interval = TimeSpan.FromHours(1),
            MinRetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(20),
            ShutdownTimeout = TimeSpan.FromMilliseconds(300),
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>
    /// The shutdown budget of a handler whose sink answers at once, where the test looks at what the spool's close does
    /// (the writing segment deleted, a total said): the worker stops as soon as the queue is empty, so Dispose returns
    /// then; with the 300 ms above a busy machine could make the handler abandon it, and the spool close after Dispose.
    /// </summary>
    private static readonly TimeSpan UnmissedBudget = TimeSpan.FromMinutes(2);

    private static void LogNumbered(ILogger logger, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            logger.LogInformation("event {N}", i);
        }
    }

    /// <summary>
    /// Logs 50 events into a handler whose transport hangs, then stops it: the events stay in the spool. Returns once the
    /// spool is closed ("50 events remain in the spool" said): at once when the worker stops within the 300 ms budget's
    /// grace, else when the abandoned worker stops, after DisposeAsync returned (a loaded machine). The close releases
    /// the directory's lock and the segment, which the caller's next handler adopts or the test edits.
    /// </summary>
    internal static async Task<ThreadedHandler> LeaveFiftyInSpoolAsync(string directory)
    {
        var stuck = new CollectingSink(); // gate never opened
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ThreadedHandler(stuck, Options(directory, o => o.SelfLog = m =>
        {
            if (m.Contains("50 events remain in the spool", StringComparison.Ordinal))
            {
                closed.TrySetResult();
            }
        }));
        LogNumbered(handler.CreateLogger("App"), 0, 50);
        _ = handler.FlushAsync();
        await stuck.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30)); // spooled, then stuck sending
        Assert.Equal(50, handler.Statistics.Spooled);
        await handler.DisposeAsync();
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return handler;
    }

    [Fact]
    public async Task Spool_EventsLeftOnDisk_InAFolderOnlyItsOwnerCanOpen()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }

        using var directory = new TempDirectory();

        await LeaveFiftyInSpoolAsync(directory.Path);

        var spool = Assert.Single(Directory.GetDirectories(directory.Path));
        Assert.NotEmpty(Directory.GetFiles(spool));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(spool));
    }

    [Fact]
    public async Task Spool_TransientFailuresThenHealthy_DeliversEachEventOnceAndDeletesTheFiles()
    {
        using var directory = new TempDirectory();
        var failures = 5;
        var sink = new CollectingSink { Decide = _ => failures-- > 0 ? new SendResult(SendOutcome.Transient, Error: "down") : SendResult.Success }.Open();
        await using (var handler = new ThreadedHandler(sink, Options(directory.Path, o => (o.BatchSize, o.ShutdownTimeout) = (20, UnmissedBudget))))
        {
            LogNumbered(handler.CreateLogger("App"), 0, 100);
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
            Assert.Equal(100, handler.Statistics.Sent);
            Assert.Equal(0, handler.Statistics.Spooled);
            Assert.Equal(0, handler.Statistics.Dropped);
        }

        // Sent from memory (the record written this round) or read back from disk (long): the same number either way.
        Assert.Equal(Enumerable.Range(0, 100), sink.Delivered.Select(e => Convert.ToInt32(e.Properties[0].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Empty(Segments(directory));
    }

    [Fact]
    public async Task Spool_StoppedBeforeDelivery_NextStartDeliversTheRestWithTheOriginalIdentity()
    {
        using var directory = new TempDirectory();
        var first = await LeaveFiftyInSpoolAsync(directory.Path); // and its spool closed: the next handler can adopt it
        Assert.Equal(0, first.Statistics.Dropped); // on disk, not lost

        var sink = new CollectingSink().Open();
        await using var second = new ThreadedHandler(sink, Options(directory.Path));
        Assert.True(second.Flush(TimeSpan.FromSeconds(30))); // waits for what it adopted, too
        Assert.Equal(50, second.Statistics.Adopted);
        Assert.Equal(50, second.Statistics.Sent);
        var batch = Assert.Single(sink.Batches);
        Assert.Equal(first.Identity.InstanceId, batch.Identity.InstanceId);
        Assert.Equal(Enumerable.Range(0, 50), batch.Events.Select(e => (int)(long)e.Properties[0].Value!));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), batch.Events.Select(e => e.Sequence));
        Assert.Equal("event 49", batch.Events[^1].Message);
    }

    [Fact]
    public async Task Spool_WorkerOutlivesShutdownBudget_NextHandlerInTheSameProcessAdoptsOnceItStops()
    {
        using var directory = new TempDirectory();
        var deaf = new DeafSink();
        var first = new ThreadedHandler(deaf, Options(directory.Path));
        LogNumbered(first.CreateLogger("App"), 0, 50);
        _ = first.FlushAsync();
        await deaf.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30)); // spooled, then stuck in a send that ignores cancellation
        await first.DisposeAsync(); // returns at the budget; the worker, and the lock on its directory, live on

        var sink = new CollectingSink().Open();
        await using var second = new ThreadedHandler(sink, Options(directory.Path));
        deaf.Release(); // the abandoned worker ends now; its spool is closed and its directory free
        Assert.True(second.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(50, second.Statistics.Adopted);
        Assert.Equal(Enumerable.Range(0, 50), sink.Delivered.Select(e => (int)(long)e.Properties[0].Value!));
    }

    [Fact]
    public async Task Spool_WorkerAbandoned_StatisticsAddUpAtDisposeAndStayFrozen()
    {
        using var directory = new TempDirectory();
        var deaf = new DeafSink();
        // A budget the disposal's move to disk cannot miss on a busy machine (it runs at once, woken by the disposal).
        var first = new ThreadedHandler(deaf, Options(directory.Path, o => (o.BatchSize, o.ShutdownTimeout) = (10, TimeSpan.FromSeconds(10))));
        var logger = first.CreateLogger("App");
        LogNumbered(logger, 0, 10);
        _ = first.FlushAsync();
        await deaf.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30)); // spooled, then stuck in a send that ignores cancellation
        LogNumbered(logger, 10, 20); // queued in memory behind it
        await first.DisposeAsync(); // the 20 queued go to disk when the disposal begins; abandoned at the budget, all 30 stay on disk

        var atDispose = Counts(first.Statistics);
        Assert.Equal((30L, 0L, 0L, 30L, 30L), atDispose); // enqueued, sent, dropped, spooled, pending: 30 = 0 + 0 + 30

        var sink = new CollectingSink().Open();
        await using var second = new ThreadedHandler(sink, Options(directory.Path));
        deaf.Release(); // the abandoned worker ends now; its spool is closed, then adopted by the second handler
        Assert.True(second.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(30, second.Statistics.Adopted);
        Assert.Equal(atDispose, Counts(first.Statistics)); // frozen with the books, whatever the worker did after Dispose
    }

    private static (long Enqueued, long Sent, long Dropped, long Spooled, long Pending) Counts(ThreadedHandlerStatistics s) =>
        (s.Enqueued, s.Sent, s.Dropped, s.Spooled, s.Pending);

    [Fact]
    public async Task Spool_OlderThanMaxBufferAge_IsDroppedAndCounted()
    {
        using var directory = new TempDirectory();
        await LeaveFiftyInSpoolAsync(directory.Path);

        var eightDaysLater = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(8));
        var selfLog = new List<string>();
        var sink = new CollectingSink().Open();
        await using var next = new ThreadedHandler(sink, Options(directory.Path, o =>
        {
            o.TimeProvider = eightDaysLater;
            o.SelfLog = m => { lock (selfLog) { selfLog.Add(m); } };
        }));
        Assert.True(next.Flush(TimeSpan.FromSeconds(30)));
        Assert.Empty(sink.Delivered);
        Assert.Equal(50, next.Statistics.Dropped);
        Assert.Equal(50, next.Statistics.Adopted);
        Assert.Equal(0, next.Statistics.Spooled);
        Assert.Empty(Segments(directory));
        lock (selfLog)
        {
            Assert.Contains(selfLog, m => m.Contains("older than MaxBufferAge (7.00:00:00)", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Spool_ManySegmentsOlderThanMaxBufferAge_SaidOnceThenTheExactTotalOnce()
    {
        // 40 events of ~1 KB left on disk in 8 KiB segments (64 KiB spool, never full), found 8 days later: the age cap
        // drops every segment. The self-log says so once, not at every segment, and the total once, at the end.
        using var directory = new TempDirectory();
        const int logged = 40;
        var allOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ThreadedHandler? first = null;
        using var failures = new SendFailures(() =>
        {
            // Said on the worker at each failed send: checked there, where the queue moves to disk.
            if (Volatile.Read(ref first) is { Statistics.Spooled: logged })
            {
                allOnDisk.TrySetResult();
            }
        });
        var down = new CollectingSink { Decide = _ => new SendResult(SendOutcome.Transient, Error: "down") }.Open();
        first = new ThreadedHandler(down, Options(directory.Path, o => (o.MaxBufferBytes, o.BatchSize) = (64 * 1024, 5)));
        LogIncompressible(first.CreateLogger("App"), 0, logged);
        _ = first.FlushAsync();
        await allOnDisk.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await first.DisposeAsync();
        Assert.True(Segments(directory).Count() >= 4, $"{Segments(directory).Count()} segments");

        var lines = new List<string>();
        var sink = new CollectingSink().Open();
        await using (var next = new ThreadedHandler(sink, Options(directory.Path, o =>
        {
            (o.MaxBufferBytes, o.TimeProvider, o.ShutdownTimeout) = (64 * 1024, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(8)), UnmissedBudget);
            o.SelfLog = m => { lock (lines) { lines.Add(m); } };
        })))
        {
            Assert.True(next.Flush(TimeSpan.FromSeconds(30)));
            Assert.Equal((0L, (long)logged), (next.Statistics.Sent, next.Statistics.Dropped));
        }

        lock (lines)
        {
            var aged = Assert.Single(lines, m => m.Contains("holds events older than MaxBufferAge (7.00:00:00)", StringComparison.Ordinal));
            Assert.Contains("said again with the total", aged, StringComparison.Ordinal);
            Assert.Single(lines, m => m.Contains($"The spool dropped {logged} events older than MaxBufferAge (7.00:00:00)", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, m => m.Contains("of spool segment", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Spool_OfALiveProcess_IsNotAdopted()
    {
        using var directory = new TempDirectory();
        var stuck = new CollectingSink();
        await using var alive = new ThreadedHandler(stuck, Options(directory.Path));
        LogNumbered(alive.CreateLogger("App"), 0, 10);
        _ = alive.FlushAsync();
        await stuck.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var sink = new CollectingSink().Open();
        await using (var other = new ThreadedHandler(sink, Options(directory.Path)))
        {
            other.CreateLogger("App").LogInformation("mine");
            Assert.True(other.Flush(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal(["mine"], sink.Delivered.Select(e => e.Message));
        stuck.Open();
    }

    [Fact]
    public async Task Spool_TornTail_IsSkippedAndTheRestDelivered()
    {
        using var directory = new TempDirectory();
        await LeaveFiftyInSpoolAsync(directory.Path);
        var segment = Assert.Single(Segments(directory));
        using (var file = new FileStream(segment, FileMode.Append))
        {
            // A crash in the middle of a write: a header promising 1000 bytes, then only 10.
            var header = new byte[12];
            BinaryPrimitives.WriteInt32LittleEndian(header, 1000);
            file.Write(header);
            file.Write(new byte[10]);
        }

        var selfLog = new List<string>();
        var sink = new CollectingSink().Open();
        await using var next = new ThreadedHandler(sink, Options(directory.Path, o => o.SelfLog = m => { lock (selfLog) { selfLog.Add(m); } }));
        await sink.WaitForBatchesAsync(1);
        Assert.Equal(50, sink.Delivered.Count);
        next.CreateLogger("App").LogInformation("after");
        Assert.True(next.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal("after", sink.Delivered[^1].Message);
        lock (selfLog)
        {
            Assert.Contains(selfLog, m => m.Contains("Torn or corrupt record", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Spool_SegmentCutShort_TheTornRecordsEventsAreCountedDroppedAndSaid()
    {
        using var directory = new TempDirectory();
        await LeaveFiftyInSpoolAsync(directory.Path);
        var segment = Assert.Single(Segments(directory));
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(file.Length - 10); // a crash in the middle of the last write: its header says 50 events
        }

        var selfLog = new List<string>();
        var sink = new CollectingSink().Open();
        await using var next = new ThreadedHandler(sink, Options(directory.Path, o => o.SelfLog = m => { lock (selfLog) { selfLog.Add(m); } }));
        next.CreateLogger("App").LogInformation("after");
        Assert.True(next.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["after"], sink.Delivered.Select(e => e.Message));
        Assert.Equal((1L, 50L, 0L), (next.Statistics.Sent, next.Statistics.Dropped, next.Statistics.Pending));
        lock (selfLog)
        {
            Assert.Contains(selfLog, m => m.Contains("the rest of that segment is skipped, 50 events dropped", StringComparison.Ordinal));
        }

        // The collector hears of it too, with the next batch: one Warning of category ThreadedLogging with the count.
        next.CreateLogger("App").LogInformation("later");
        Assert.True(next.Flush(TimeSpan.FromSeconds(30)));
        var notice = Assert.Single(sink.Notices);
        Assert.Contains("ThreadedLogging dropped 50 events between", notice.Message, StringComparison.Ordinal);
        Assert.Contains("a spool record was torn", notice.Message, StringComparison.Ordinal);
        Assert.Contains(notice.Properties, p => p.Key == "DroppedCount" && Equals(p.Value, 50L));
    }

    [Fact]
    public async Task Spool_CorruptRecordBeforeValidOnes_OnlyItsEventsDroppedTheRestDeliveredAndEveryEventCounted()
    {
        // 50 events in records of at most 10 left on disk; the second record's payload damaged (its checksum wrong, its
        // header whole). Before, the reader skipped the rest of the segment at it and the adoption counted nothing after
        // it: the records after it (about 30 events) were neither sent nor counted, and the notice said only the second's.
        const int logged = 50;
        using var directory = new TempDirectory();
        var allOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ThreadedHandler? first = null;
        using var failures = new SendFailures(() =>
        {
            // Said on the worker at each failed send: checked there, where the queue moves to disk.
            if (Volatile.Read(ref first) is { Statistics.Spooled: logged })
            {
                allOnDisk.TrySetResult();
            }
        });
        var down = new CollectingSink { Decide = _ => new SendResult(SendOutcome.Transient, Error: "down") }.Open();
        await using (first = new ThreadedHandler(down, Options(directory.Path, o =>
        {
            o.BatchSize = 10;
            o.SelfLog = m =>
            {
                if (m.Contains($"{logged} events remain in the spool", StringComparison.Ordinal))
                {
                    closed.TrySetResult(); // the spool closed: its segment is whole and free to edit (LeaveFiftyInSpoolAsync)
                }
            };
        })))
        {
            LogNumbered(first.CreateLogger("App"), 0, logged);
            _ = first.FlushAsync();
            await allOnDisk.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var segment = Assert.Single(Segments(directory));
        var bytes = await File.ReadAllBytesAsync(segment);
        var before = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)); // the first record's events
        var second = SpoolRecordFormat.HeaderSize + BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var lost = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(second + 8));
        Assert.True(before + lost < logged, $"records of {before} and {lost}: none after them");
        SpoolRecordFormatTests.DamagePayload(bytes, second); // inside the second record's payload
        await File.WriteAllBytesAsync(segment, bytes);

        var selfLog = new List<string>();
        var sink = new CollectingSink().Open();
        await using var next = new ThreadedHandler(sink, Options(directory.Path, o => o.SelfLog = m => { lock (selfLog) { selfLog.Add(m); } }));
        next.CreateLogger("App").LogInformation("after");
        Assert.True(next.Flush(TimeSpan.FromSeconds(30)));
        next.CreateLogger("App").LogInformation("later");
        Assert.True(next.Flush(TimeSpan.FromSeconds(30)));

        var expected = Enumerable.Range(0, logged).Where(i => i < before || i >= before + lost).Select(i => $"event {i}");
        Assert.Equal([.. expected, "after", "later"], sink.Delivered.Select(e => e.Message));
        Assert.Equal(((long)logged, (long)(logged - lost + 2), (long)lost, 0L), (next.Statistics.Adopted, next.Statistics.Sent, next.Statistics.Dropped, next.Statistics.Pending));
        var notice = Assert.Single(sink.Notices);
        var lostEvents = lost == 1 ? "1 event" : $"{lost} events";
        Assert.Contains($"ThreadedLogging dropped {lostEvents} between", notice.Message, StringComparison.Ordinal); // what was really lost
        Assert.Contains(notice.Properties, p => p.Key == "DroppedCount" && Equals(p.Value, (long)lost));
        lock (selfLog)
        {
            Assert.Contains(selfLog, m => m.Contains($"(its checksum does not match): skipped, {lostEvents} dropped", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Spool_CorruptChecksum_NeverSendsGarbage()
    {
        using var directory = new TempDirectory();
        await LeaveFiftyInSpoolAsync(directory.Path);
        var segment = Assert.Single(Segments(directory));
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[^5] ^= 0x55; // flip bits inside the only record's payload
        await File.WriteAllBytesAsync(segment, bytes);

        var sink = new CollectingSink().Open();
        await using var next = new ThreadedHandler(sink, Options(directory.Path));
        next.CreateLogger("App").LogInformation("after");
        Assert.True(next.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["after"], sink.Delivered.Select(e => e.Message));
    }

    [Fact]
    public async Task Spool_DirectoryUnusable_AppUnharmedAndDeliversFromMemory()
    {
        var selfLog = new List<string>();
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options("/proc/threadedlogging-cannot-exist/spool", o =>
        {
            o.ShutdownTimeout = UnmissedBudget; // "Could not delete" below is said, if ever, when the spool closes
            o.SelfLog = m => { lock (selfLog) { selfLog.Add(m); } };
        }));
        LogNumbered(handler.CreateLogger("App"), 0, 10);

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(10, sink.Delivered.Count);
        Assert.StartsWith("Spool unavailable", handler.Statistics.LastError, StringComparison.Ordinal);
        await handler.DisposeAsync();
        lock (selfLog)
        {
            // It never held anything: the line says so, and promises nothing "for the next start".
            var line = Assert.Single(selfLog, m => m.Contains("/proc/threadedlogging-cannot-exist/spool", StringComparison.Ordinal));
            Assert.Contains("could not be created or opened", line, StringComparison.Ordinal);
            Assert.EndsWith("events are kept in memory only until it can be: spools that earlier runs left are still sent, and it is tried again after them.", line, StringComparison.Ordinal);
            Assert.DoesNotContain("on disk", line, StringComparison.Ordinal);
            Assert.DoesNotContain(selfLog, m => m.Contains("Could not delete", StringComparison.Ordinal)); // no lock file was ever made
        }
    }

    [Fact]
    public async Task Spool_FailsWhileInUse_SelfLogSaysHowManyEventsStayOnDisk()
    {
        // The spool's second segment cannot be made (a directory stands at its path): the spool fails while it holds the
        // first segment's events, undelivered (the receiver is down), which are still sent from disk once it answers.
        using var directory = new TempDirectory();
        var failed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new CollectingSink { Decide = _ => new SendResult(SendOutcome.Transient, Error: "down") }.Open();
        var handler = new ThreadedHandler(sink, Options(directory.Path, o =>
        {
            o.MaxBufferBytes = 64 * 1024; // segments of 8 KiB
            o.BatchSize = 10;
            o.SelfLog = m =>
            {
                if (m.Contains("The spool at", StringComparison.Ordinal))
                {
                    failed.TrySetResult(m);
                }
            };
        }));
        Directory.CreateDirectory(Path.Combine(directory.Path, handler.Identity.InstanceId, "0000000001.seg.v2"));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 5000 && !failed.Task.IsCompleted; i++)
        {
            logger.LogInformation("event {N} {Id}", i, Guid.NewGuid()); // guids: records gzip poorly, the first segment fills
            if (i % 100 == 99)
            {
                _ = handler.FlushAsync();
            }
        }

        var line = await failed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var spooled = handler.Statistics.Spooled;
        await handler.DisposeAsync();

        Assert.True(spooled > 0);
        Assert.Contains("failed while in use", line, StringComparison.Ordinal);
        Assert.EndsWith($"; events are kept in memory only until it works again: the {spooled} events it holds are still sent from disk, then it is tried again (and at each look for other spools).", line, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be created", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spool_Full_DropsOldestAndCountsExactly()
    {
        using var directory = new TempDirectory();
        var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var messages = new List<string>();
        var sink = new CollectingSink { Decide = _ => new SendResult(SendOutcome.Transient, Error: "down") }.Open();
        var handler = new ThreadedHandler(sink, Options(directory.Path, o =>
        {
            o.MaxBufferBytes = 64 * 1024;
            o.BatchSize = 10;
            o.SelfLog = m =>
            {
                lock (messages)
                {
                    messages.Add(m);
                }

                if (m.Contains("spool is full", StringComparison.Ordinal))
                {
                    full.TrySetResult();
                }
            };
        }));
        var logger = handler.CreateLogger("App");
        var payload = new string('p', 1000);
        var logged = 0;
        while (!full.Task.IsCompleted && logged < 20_000)
        {
            logger.LogInformation("event {N} {Payload}", logged++, payload);
        }

        await full.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(SegmentBytes(directory) <= 64 * 1024 + 16 * 1024);
        await handler.DisposeAsync();
        var stats = handler.Statistics;
        Assert.True(stats.Dropped > 0);
        Assert.Equal(0, stats.Sent);
        Assert.True(logged == stats.Dropped + stats.Spooled, $"logged {logged}, {stats} {string.Join("\n", messages)}"); // every event is on disk or counted as dropped
    }

    [Fact]
    public async Task Spool_FullForManySegments_SaidOnceThenTheExactTotalOnce()
    {
        // 300 events of ~1 KB into a 64 KiB spool (8 KiB segments) while the receiver is down: the cap drops dozens of
        // segments. The self-log says so once, not at every segment, and the total once, at the end.
        using var directory = new TempDirectory();
        const int logged = 300;
        var lines = new List<string>();
        var allOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var totalSaid = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ThreadedHandler? handler = null;
        using var failures = new SendFailures(() =>
        {
            // Said on the worker at each failed send: checked there, where the queue moves to disk.
            if (Volatile.Read(ref handler) is { Statistics: { } s } && s.Spooled + s.Dropped == logged)
            {
                allOnDisk.TrySetResult();
            }
        });
        var sink = new CollectingSink { Decide = _ => new SendResult(SendOutcome.Transient, Error: "down") }.Open();
        handler = new ThreadedHandler(sink, Options(directory.Path, o =>
        {
            o.MaxBufferBytes = 64 * 1024;
            o.BatchSize = 10;
            o.SelfLog = m =>
            {
                lock (lines)
                {
                    lines.Add(m);
                }

                if (m.Contains("while it was full", StringComparison.Ordinal))
                {
                    totalSaid.TrySetResult();
                }
            };
        }));
        LogIncompressible(handler.CreateLogger("App"), 0, logged);
        _ = handler.FlushAsync();
        await allOnDisk.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await handler.DisposeAsync();

        // The total is said when the spool closes: at once when the worker stopped within the shutdown budget (300 ms
        // here, the sink never succeeds), when it finally stops if a busy machine made the handler abandon it.
        await totalSaid.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var stats = handler.Statistics;
        Assert.Equal(logged, stats.Spooled + stats.Dropped);
        Assert.True(stats.Dropped >= 150, $"the cap dropped {stats.Dropped}"); // most of ~300 KB did not fit in 64 KiB
        lock (lines)
        {
            var full = Assert.Single(lines, m => m.Contains("The spool is full (65536 bytes, MaxBufferBytes)", StringComparison.Ordinal));
            Assert.Contains("while it stays full", full, StringComparison.Ordinal);
            Assert.Single(lines, m => m.Contains($"The spool dropped {stats.Dropped} events of its oldest segments while it was full", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Spool_FullWhileItsOldestBatchIsBeingSent_EachEventEndsOnceAsSentOrDropped()
    {
        using var directory = new TempDirectory();
        var time = new WatchedTime(DateTimeOffset.UtcNow);
        var retryAfter = TimeSpan.FromSeconds(7);
        var attempts = 0;
        var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new CollectingSink
        {
            Decide = _ => Interlocked.Increment(ref attempts) == 1 ? new SendResult(SendOutcome.Transient, RetryAfter: retryAfter, Error: "down") : SendResult.Success,
        }.Open();
        await using var handler = new ThreadedHandler(sink, Options(directory.Path, o =>
        {
            o.TimeProvider = time;
            o.MaxBufferBytes = 64 * 1024;
            o.BatchSize = 10;
            o.SelfLog = m =>
            {
                if (m.Contains("spool is full", StringComparison.Ordinal))
                {
                    full.TrySetResult();
                }
            };
        }));
        var logger = handler.CreateLogger("App");

        // Batch A is spooled, read back and sent; the receiver is down: the worker waits out Retry-After on the handler's clock.
        var retryWait = time.Armed(retryAfter);
        LogIncompressible(logger, 0, 10);
        _ = handler.FlushAsync();
        await retryWait.WaitAsync(TimeSpan.FromSeconds(30));

        // Meanwhile more than the spool holds is logged; at the end of the wait it moves to disk and the cap takes the
        // oldest segment — A's, while A is being sent. Then the retry delivers A.
        LogIncompressible(logger, 10, 190);
        time.Advance(retryAfter);
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));

        Assert.True(full.Task.IsCompleted);
        var stats = handler.Statistics;
        Assert.True(stats.Dropped > 0);
        Assert.Equal(stats.Enqueued, stats.Sent + stats.Dropped); // each event once: not A both dropped by the cap and sent
        Assert.Equal(0, stats.Pending);
        Assert.Equal(stats.Sent, sink.Delivered.Count);
        Assert.Equal(Enumerable.Range(0, 10), sink.Delivered.Take(10).Select(e => Convert.ToInt32(e.Properties[0].Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Events of about 1,000 random characters each: a spool record of them is hardly smaller than they are.</summary>
    private static void LogIncompressible(ILogger logger, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            logger.LogInformation("event {N} {Payload}", i, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(750)));
        }
    }

    private static IEnumerable<string> Segments(TempDirectory directory) => Directory.EnumerateFiles(directory.Path, "*.seg*", SearchOption.AllDirectories);

    /// <summary>Bytes in segment files now; files the worker deletes meanwhile count as empty.</summary>
    private static long SegmentBytes(TempDirectory directory) => Segments(directory).Sum(f =>
    {
        try
        {
            return new FileInfo(f).Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    });
}
