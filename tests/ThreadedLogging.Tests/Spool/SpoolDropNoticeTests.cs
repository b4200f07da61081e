using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Tests.Http;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>
/// What the spool drops (its size cap while the receiver is down, its age cap, a batch larger than the whole spool)
/// reaches the collector as one Warning of category <c>ThreadedLogging</c> per reason, as a full queue's drops do,
/// against a real Kestrel on loopback.
/// </summary>
public sealed class SpoolDropNoticeTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SpoolFullWhileTheReceiverIsDown_OneNoticeWithTheExactCountArrivesWhenItIsUp()
    {
        // Before, the spool's drops were in Statistics, the self-log and the EventSource only: support saw a gap and no reason.
        const int logged = 300;
        await using var server = await LoopbackServer.StartAsync();
        server.Refuse = LoopbackServer.Everything; // 503: down (the test's only handler)
        var notice = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var notices = 0;
        var taken = 0;
        server.Respond = request =>
        {
            foreach (var e in JsonDocument.Parse(request.Body).RootElement.GetProperty("events").EnumerateArray())
            {
                if (e.GetProperty("category").GetString() == "ThreadedLogging")
                {
                    Interlocked.Increment(ref notices);
                    notice.TrySetResult(e.Clone());
                }
                else
                {
                    Interlocked.Increment(ref taken);
                }
            }

            return Task.FromResult(Results.Ok());
        };
        using var directory = new TempDirectory();
        var allOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ThreadedHttpHandler? handler = null;
        using var failures = new SendFailures(() =>
        {
            // Said on the worker at each failed send: checked there, where the queue moves to disk.
            if (Volatile.Read(ref handler) is { Statistics: { } s } && s.Spooled + s.Dropped == logged)
            {
                allOnDisk.TrySetResult();
            }
        });
        handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BufferDirectory = directory.Path;
            o.MaxBufferBytes = 64 * 1024; // segments of 8 KiB
            o.BatchSize = 10;
            o.Interval = TimeSpan.FromMilliseconds(50); // the queue moves to disk while the first record's retries go on
            o.ShutdownTimeout = TimeSpan.FromSeconds(10);
        }));
        await using (handler)
        {
            var logger = handler.CreateLogger("App");
            for (var i = 0; i < logged; i++)
            {
                logger.LogInformation("event {N} {Payload}", i, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(750)));
            }

            _ = handler.FlushAsync();
            await allOnDisk.Task.WaitAsync(Safety); // every event on disk or dropped by the cap, the receiver still down
            Assert.Equal(0, Volatile.Read(ref notices)); // held while the spool drops: a notice spooled then was the next record dropped

            server.Refuse = null;
            Assert.True(handler.Flush(Safety));
            var warning = await notice.Task.WaitAsync(Safety);

            var dropped = handler.Statistics.Dropped;
            Assert.True(dropped > 0, "the cap dropped nothing");
            Assert.Equal(logged, handler.Statistics.Sent + dropped);
            Assert.Equal("Warning", warning.GetProperty("level").GetString());
            var properties = warning.GetProperty("properties");
            Assert.Equal(dropped, properties.GetProperty("DroppedCount").GetInt64());
            Assert.True(properties.GetProperty("FirstDrop").GetDateTimeOffset() <= properties.GetProperty("LastDrop").GetDateTimeOffset());
            Assert.Matches($"^ThreadedLogging dropped {dropped} events between .+ and .+: the spool was full", warning.GetProperty("message").GetString());
        }

        Assert.Equal(1, Volatile.Read(ref notices)); // one notice for the whole outage
        Assert.Equal(handler.Statistics.Sent, Volatile.Read(ref taken));
    }

    [Fact]
    public async Task SpoolFullWhileTheReceiverIsDown_AppDisposedBeforeItIsUp_NextStartSendsTheNoticeOnce()
    {
        // The cap's notice is held while the cap drops; the app quit offline, and the notice went with its memory: the next
        // start sent the events left on disk and said nothing of those dropped (only the first run's self-log and Statistics did).
        const int logged = 300;
        const string UpKey = "up-key";
        await using var server = await LoopbackServer.StartAsync();
        server.Refuse = request => !LoopbackServer.WithKey(request, UpKey); // down for the first process, whenever its sends arrive
        using var directory = new TempDirectory();
        var allOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ThreadedHttpHandler? first = null;
        using var failures = new SendFailures(() =>
        {
            if (Volatile.Read(ref first) is { Statistics: { } s } && s.Spooled + s.Dropped == logged)
            {
                allOnDisk.TrySetResult();
            }
        });
        first = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.ApiKey = "down-key";
            o.BufferDirectory = directory.Path;
            o.MaxBufferBytes = 64 * 1024; // segments of 8 KiB
            o.BatchSize = 10;
            o.Interval = TimeSpan.FromMilliseconds(50);
            o.ShutdownTimeout = Safety;
            o.SelfLog = m =>
            {
                if (m.Contains("remain in the spool", StringComparison.Ordinal))
                {
                    closed.TrySetResult();
                }
            };
        }));
        long dropped;
        await using (first)
        {
            var logger = first.CreateLogger("App");
            for (var i = 0; i < logged; i++)
            {
                logger.LogInformation("event {N} {Payload}", i, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(750)));
            }

            _ = first.FlushAsync();
            await allOnDisk.Task.WaitAsync(Safety);
            dropped = first.Statistics.Dropped;
            Assert.True(dropped > 0, "the cap dropped nothing");
        }

        await closed.Task.WaitAsync(Safety); // the spool closed: its directory is free for the next start
        Assert.Equal(dropped, first.Statistics.Dropped);
        var receiver = NoticeReceiver.Listen(server);
        await using (var next = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.ApiKey = UpKey;
            o.BufferDirectory = directory.Path;
            o.MaxBufferBytes = 64 * 1024;
            o.ShutdownTimeout = Safety;
        })))
        {
            Assert.True(next.Flush(Safety));
            var warning = await receiver.Notice.Task.WaitAsync(Safety);

            Assert.Equal(logged - dropped, next.Statistics.Adopted);
            var properties = warning.GetProperty("properties");
            Assert.Equal(dropped, properties.GetProperty("DroppedCount").GetInt64());
            Assert.True(properties.GetProperty("FirstDrop").GetDateTimeOffset() <= properties.GetProperty("LastDrop").GetDateTimeOffset());
            Assert.Matches($"^ThreadedLogging dropped {dropped} events between .+ and .+: the spool was full \\(MaxBufferBytes\\)$", warning.GetProperty("message").GetString());
        }

        Assert.Equal(1, receiver.Notices);
        Assert.Equal(logged - dropped, receiver.Taken);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path, "*", SearchOption.AllDirectories)); // the notice's file too
    }

    [Fact]
    public async Task SpoolFullInTwoOfflineRuns_TheFirstRunsAdoptedNoticeDroppedByTheSecond_NextStartSendsOneNoticeWithTheSum()
    {
        // The second run adopts the first run's notice (drops.json) as a record of its own spool, then, offline too, its size
        // cap drops that record with its segment. A notice counts no event: before, that drop counted nothing of it, and the
        // third start told the collector of the second run's drops only.
        const int logged = 300;
        const string UpKey = "up-key";
        await using var server = await LoopbackServer.StartAsync();
        server.Refuse = request => !LoopbackServer.WithKey(request, UpKey); // down for the offline runs, whenever their sends arrive
        using var directory = new TempDirectory();
        var droppedInRun = new long[2];
        var startOfRun = new DateTimeOffset[2];
        for (var run = 0; run < 2; run++)
        {
            var allOnDisk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            ThreadedHttpHandler? offline = null;
            using var failures = new SendFailures(() =>
            {
                // Every event logged on disk or dropped (the adopted ones too): checked on the worker at each failed send.
                if (Volatile.Read(ref offline) is { Statistics: { } s } && s.Enqueued == logged && s.Spooled + s.Dropped == logged + s.Adopted)
                {
                    allOnDisk.TrySetResult();
                }
            });
            startOfRun[run] = DateTimeOffset.UtcNow;
            offline = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
            {
                o.ApiKey = "down-key";
                o.BufferDirectory = directory.Path;
                o.MaxBufferBytes = 64 * 1024; // segments of 8 KiB
                o.BatchSize = 10;
                o.Interval = TimeSpan.FromMilliseconds(50);
                o.ShutdownTimeout = Safety;
                o.SelfLog = m =>
                {
                    if (m.Contains("remain in the spool", StringComparison.Ordinal))
                    {
                        closed.TrySetResult();
                    }
                };
            }));
            await using (offline)
            {
                var logger = offline.CreateLogger("App");
                for (var i = 0; i < logged; i++)
                {
                    logger.LogInformation("run {Run} event {N} {Payload}", run, i, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(750)));
                }

                _ = offline.FlushAsync();
                await allOnDisk.Task.WaitAsync(Safety);
                droppedInRun[run] = offline.Statistics.Dropped;
                Assert.True(droppedInRun[run] > 0, $"run {run}: the cap dropped nothing");
            }

            await closed.Task.WaitAsync(Safety); // the spool closed: its directory is free for the next start
            Assert.Equal(droppedInRun[run], offline.Statistics.Dropped);
            if (run == 0)
            {
                Assert.Single(Directory.EnumerateFiles(directory.Path, "drops.json", SearchOption.AllDirectories)); // the first run's notice, for the next start
            }
        }

        var receiver = NoticeReceiver.Listen(server);
        await using (var next = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.ApiKey = UpKey;
            o.BufferDirectory = directory.Path;
            o.MaxBufferBytes = 64 * 1024;
            o.ShutdownTimeout = Safety;
        })))
        {
            Assert.True(next.Flush(Safety));
            var warning = await receiver.Notice.Task.WaitAsync(Safety);

            var dropped = droppedInRun[0] + droppedInRun[1]; // the second run's count holds the first run's events it dropped
            Assert.Equal((2 * logged) - dropped, next.Statistics.Adopted);
            var properties = warning.GetProperty("properties");
            Assert.Equal(dropped, properties.GetProperty("DroppedCount").GetInt64());
            var firstDrop = properties.GetProperty("FirstDrop").GetDateTimeOffset();
            Assert.InRange(firstDrop, startOfRun[0], startOfRun[1]); // the first run's first drop, kept
            Assert.True(properties.GetProperty("FirstDrop").GetDateTimeOffset() <= properties.GetProperty("LastDrop").GetDateTimeOffset());
            Assert.Matches($"^ThreadedLogging dropped {dropped} events between .+ and .+: the spool was full \\(MaxBufferBytes\\)$", warning.GetProperty("message").GetString());
        }

        Assert.Equal(1, receiver.Notices); // one notice, the sum, under one batch id
        Assert.Equal((2 * logged) - (droppedInRun[0] + droppedInRun[1]), receiver.Taken);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task LeftoverNoticeWithABatchIdThisVersionNeverMakes_SentOnceUnderANewId_WithItsCount()
    {
        // A drops.json whose batchId is no id NewBatchId makes (another version's, a hand edit, damage that still parses):
        // before, it went as it was into the Idempotency-Key header, every send threw ("Request headers must contain only
        // ASCII characters"), was retried for ever as a transient failure, and Flush never returned true.
        await using var server = await LoopbackServer.StartAsync();
        var receiver = NoticeReceiver.Listen(server);
        using var directory = new TempDirectory();
        var dead = Directory.CreateDirectory(Path.Combine(directory.Path, Guid.NewGuid().ToString("N"))).FullName;
        var first = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        File.WriteAllText(Path.Combine(dead, "drops.json"), $$"""{"batchId": "é", "drops": [{"reason": "Full", "count": 250, "first": "{{first:O}}", "last": "{{first.AddMinutes(5):O}}"}]}""");
        var selfLog = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using (var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BufferDirectory = directory.Path;
            o.ShutdownTimeout = Safety;
            o.SelfLog = selfLog.Enqueue;
        })))
        {
            handler.CreateLogger("App").LogInformation("after"); // behind the adopted notice's record: sent once that one is
            Assert.True(handler.Flush(Safety));
            var warning = await receiver.Notice.Task.WaitAsync(Safety);

            var properties = warning.GetProperty("properties");
            Assert.Equal(250, properties.GetProperty("DroppedCount").GetInt64());
            Assert.Equal(first, properties.GetProperty("FirstDrop").GetDateTimeOffset());
            Assert.Equal((0L, 0L), (handler.Statistics.Failed, handler.Statistics.Dropped));
        }

        Assert.Equal((1, 1), (receiver.Notices, receiver.Taken));
        var sent = Assert.Single(server.Requests, r => r.BodyText.Contains("\"DroppedCount\"", StringComparison.Ordinal));
        Assert.Matches("^[0-9a-f]{32}$", sent.Headers["Idempotency-Key"]);
        Assert.Contains(selfLog, line => line.Contains("drops.json", StringComparison.Ordinal) && line.Contains("a new batch id", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task CrashBetweenTheNoticesRecordAndItsFilesDeletion_ACapDropsThatRecord_NoticeSentOnce()
    {
        // A dead process wrote the record carrying its notice and was killed before it deleted drops.json: both under one
        // batch id. The next start's age cap dropped that record and folded its notice back into the pending one (a new
        // id), while the file's copy was adopted under the old id: the collector counted those drops twice.
        await using var server = await LoopbackServer.StartAsync();
        var receiver = NoticeReceiver.Listen(server);
        using var directory = new TempDirectory();
        var identity = LogIdentity.From(new ThreadedHandlerOptions());
        using (var dead = new DurableSpool(directory.Path, Guid.NewGuid().ToString("N"), 256 * 1024, TimeSpan.FromDays(7), TimeProvider.System))
        {
            dead.Open();
            var drops = new SpoolDrops(TimeProvider.System); // as the stage keeps them
            drops.KeepIn(() => dead.DirectoryPath);
            drops.Add(5, SpoolDropReason.Full);
            drops.Persist(report: null); // drops.json
            List<LogEvent> batch = [LogEvent.Create(DateTimeOffset.UtcNow, LogLevel.Information, "App", "before the crash")];
            Assert.Equal(1, drops.TakeNotices(batch));
            dead.Append(new LogBatch(drops.TakeBatchId()!, batch, identity), countedEvents: 1);
            dead.Sync(); // then killed: drops.json not deleted
        }

        Assert.Single(Directory.GetFiles(directory.Path, "drops.json", SearchOption.AllDirectories));
        var eightDaysLater = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(8));
        await using (var next = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BufferDirectory = directory.Path;
            o.TimeProvider = eightDaysLater;
            o.ShutdownTimeout = Safety;
        })))
        {
            // The age cap drops the adopted record (its notice folded back, its event counted Aged); the pending notice goes
            // once a record leaves the spool again ("after"), with the next batch ("later").
            next.CreateLogger("App").LogInformation("after");
            Assert.True(next.Flush(Safety));
            next.CreateLogger("App").LogInformation("later");
            Assert.True(next.Flush(Safety));
            await receiver.Notice.Task.WaitAsync(Safety);
        }

        var full = server.Requests.SelectMany(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("events").EnumerateArray())
            .Where(e => e.GetProperty("category").GetString() == "ThreadedLogging" && e.GetProperty("message").GetString()!.EndsWith("the spool was full (MaxBufferBytes)", StringComparison.Ordinal))
            .Select(e => e.GetProperty("properties").GetProperty("DroppedCount").GetInt64()).ToList();
        Assert.Equal([5L], full); // was [5, 5]: the file's copy and the folded one
        Assert.Equal(2, receiver.Notices); // that one and the age cap's (the adopted event)
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task SpoolOlderThanMaxBufferAge_OneNoticeWithTheExactCountAtTheOptionsClocksTime()
    {
        // 50 events left on disk while the receiver was down, found by the next start 8 days later (the options' clock):
        // the age cap drops them, and the collector hears of it with the next batches, not only the app's self-log.
        // Down for the first process by the key its requests carry, not by when they arrive: a send its disposal gave up on
        // at its deadline may still reach the server after the receiver below listens, and must not be counted taken.
        const int logged = 50;
        const string UpKey = "up-key";
        await using var server = await LoopbackServer.StartAsync();
        server.Refuse = request => !LoopbackServer.WithKey(request, UpKey); // down for the first process, whenever its sends arrive
        using var directory = new TempDirectory();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var first = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.ApiKey = "down-key";
            o.BufferDirectory = directory.Path;
            o.ShutdownTimeout = TimeSpan.FromSeconds(1); // the receiver stays down: what is spooled stays on disk
            o.SelfLog = m =>
            {
                if (m.Contains($"{logged} events remain in the spool", StringComparison.Ordinal))
                {
                    closed.TrySetResult();
                }
            };
        })))
        {
            var logger = first.CreateLogger("App");
            for (var i = 0; i < logged; i++)
            {
                logger.LogInformation("event {N}", i);
            }

            _ = first.FlushAsync();
            await server.WaitForRequestsAsync(1, Safety); // spooled, then refused
            Assert.Equal(logged, first.Statistics.Spooled);
        }

        // The spool closed (said when the worker stops: after DisposeAsync returned when a loaded machine made the
        // handler abandon it), releasing the directory for the next start.
        await closed.Task.WaitAsync(Safety);
        var receiver = NoticeReceiver.Listen(server);
        var eightDaysLater = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(8));
        await using (var next = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.ApiKey = UpKey;
            o.BufferDirectory = directory.Path;
            o.TimeProvider = eightDaysLater;
            o.ShutdownTimeout = Safety;
        })))
        {
            // The age cap drops the adopted segment; its notice is held until a record leaves the spool again ("after"),
            // then goes with the next batch ("later").
            next.CreateLogger("App").LogInformation("after");
            Assert.True(next.Flush(Safety));
            next.CreateLogger("App").LogInformation("later");
            Assert.True(next.Flush(Safety));
            var warning = await receiver.Notice.Task.WaitAsync(Safety);

            Assert.Equal((logged, (long)logged, 2L), (next.Statistics.Adopted, next.Statistics.Dropped, next.Statistics.Sent));
            Assert.Equal("Warning", warning.GetProperty("level").GetString());
            var properties = warning.GetProperty("properties");
            Assert.Equal(logged, properties.GetProperty("DroppedCount").GetInt64());
            Assert.Equal(eightDaysLater.GetUtcNow(), properties.GetProperty("FirstDrop").GetDateTimeOffset()); // the options' clock, not the system's
            Assert.Equal(eightDaysLater.GetUtcNow(), properties.GetProperty("LastDrop").GetDateTimeOffset());
            Assert.Matches($"^ThreadedLogging dropped {logged} events between .+ and .+: they were older than MaxBufferAge in the spool$", warning.GetProperty("message").GetString());
        }

        Assert.Equal(1, receiver.Notices);
        Assert.Equal(2, receiver.Taken);
    }

    [Fact]
    public async Task BatchLargerThanTheWholeSpool_OneNoticeWithTheExactCountArrivesWithTheNextBatch()
    {
        // 20 events of 12 KB of random text in one batch: about 180 KB compressed, more than the 64 KiB the spool may hold.
        const int logged = 20;
        await using var server = await LoopbackServer.StartAsync();
        var receiver = NoticeReceiver.Listen(server);
        using var directory = new TempDirectory();
        await using (var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BufferDirectory = directory.Path;
            o.MaxBufferBytes = 64 * 1024;
            o.ShutdownTimeout = Safety;
        })))
        {
            var logger = handler.CreateLogger("App");
            for (var i = 0; i < logged; i++)
            {
                logger.LogInformation("event {N} {Payload}", i, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(9000)));
            }

            Assert.True(handler.Flush(Safety));
            Assert.Equal((0L, (long)logged), (handler.Statistics.Sent, handler.Statistics.Dropped));
            handler.CreateLogger("App").LogInformation("after");
            Assert.True(handler.Flush(Safety));
            var warning = await receiver.Notice.Task.WaitAsync(Safety);

            Assert.Equal("Warning", warning.GetProperty("level").GetString());
            var properties = warning.GetProperty("properties");
            Assert.Equal(logged, properties.GetProperty("DroppedCount").GetInt64());
            Assert.True(properties.GetProperty("FirstDrop").GetDateTimeOffset() <= properties.GetProperty("LastDrop").GetDateTimeOffset());
            Assert.Matches($"^ThreadedLogging dropped {logged} events between .+ and .+: a batch was larger than the whole spool \\(MaxBufferBytes\\)$", warning.GetProperty("message").GetString());
        }

        Assert.Equal(1, receiver.Notices);
        Assert.Equal(1, receiver.Taken); // "after"; the large batch never went out
    }

    /// <summary>
    /// The receiver's side: the handler's notices (category <c>ThreadedLogging</c>) apart from the app's events, all answered
    /// 200.
    /// </summary>
    private sealed class NoticeReceiver
    {
        private int _notices;
        private int _taken;

        public TaskCompletionSource<JsonElement> Notice { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Notices => Volatile.Read(ref _notices);

        public int Taken => Volatile.Read(ref _taken);

        public static NoticeReceiver Listen(LoopbackServer server)
        {
            var receiver = new NoticeReceiver();
            server.Respond = request =>
            {
                foreach (var e in JsonDocument.Parse(request.Body).RootElement.GetProperty("events").EnumerateArray())
                {
                    if (e.GetProperty("category").GetString() == "ThreadedLogging")
                    {
                        Interlocked.Increment(ref receiver._notices);
                        receiver.Notice.TrySetResult(e.Clone());
                    }
                    else
                    {
                        Interlocked.Increment(ref receiver._taken);
                    }
                }

                return Task.FromResult(Results.Ok());
            };
            return receiver;
        }
    }
}
