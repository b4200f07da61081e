using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

public sealed class ThreadedHandlerTests
{
    private static ThreadedHandlerOptions Options(Action<ThreadedHandlerOptions>? configure = null)
    {
        var options = new ThreadedHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Interval = TimeSpan.FromHours(1), // only explicit triggers in these tests
            MinRetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(20),
        };
        configure?.Invoke(options);
        return options;
    }

    [Fact]
    public async Task Log_TransportHeldOnGate_EveryCallReturnsAndDropsAreCountedExactly()
    {
        var sink = new CollectingSink();
        await using var handler = new ThreadedHandler(sink, Options(o => { o.QueueCapacity = 100; o.BatchSize = 10; }));
        var logger = handler.CreateLogger("App");

        logger.LogInformation("first {N}", 0);
        handler.FlushAsync().GetAwaiter(); // wake the worker, which now hangs in the gated send
        await sink.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        const int calls = 10_000;
        for (var i = 1; i < calls; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        // Every call returned while the transport hung: the log call never waits for it.
        var held = handler.Statistics;
        Assert.Equal(calls, held.Enqueued + held.Dropped);
        Assert.True(held.Dropped >= calls - 101 - 10, $"dropped {held.Dropped}");

        sink.Open();
        Assert.True(await handler.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token));

        var stats = handler.Statistics;
        Assert.Equal(held.Enqueued, stats.Sent);
        Assert.Equal(held.Dropped, stats.Dropped);
        Assert.Equal(stats.Sent, sink.Delivered.Count);
        var notice = Assert.Single(sink.Notices);
        Assert.Equal(LogLevel.Warning, notice.Level);
        Assert.Equal(stats.Dropped, notice.Properties.Single(p => p.Key == "DroppedCount").Value);
        Assert.Contains($"dropped {stats.Dropped} events", notice.Message, StringComparison.Ordinal);
        Assert.EndsWith(": the queue was full", notice.Message, StringComparison.Ordinal); // its count, not the table of objects
    }

    [Fact]
    public async Task Log_QueueFull_DropNoticeSaysHowManyAndBetweenWhichTimes()
    {
        var start = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        var (sink, handler, logger) = await FullQueueAsync(o => o.TimeProvider = time);
        await using (handler)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            for (var i = 0; i < 3; i++)
            {
                logger.LogInformation("dropped early {N}", i);
            }

            time.Advance(TimeSpan.FromMinutes(2));
            for (var i = 0; i < 2; i++)
            {
                logger.LogInformation("dropped late {N}", i);
            }

            var (count, first, last) = await NoticeAsync(sink, handler);
            Assert.Equal(5L, count);
            Assert.Equal(start.AddMinutes(1), first);
            Assert.Equal(start.AddMinutes(3), last);
        }
    }

    [Fact]
    public async Task Log_QueueFull_DropNoticeNamesItsReason_AsTheSpoolsNoticesDo()
    {
        // The spool's notices name their reason in a Reason property (read back by it, not by their wording); the queue's
        // had none: its reason was known only from its message's wording.
        var (sink, handler, logger) = await FullQueueAsync(null);
        await using (handler)
        {
            logger.LogInformation("dropped");
            await NoticeAsync(sink, handler);

            Assert.Equal("QueueFull", Assert.Single(sink.Notices).Properties.SingleOrDefault(p => p.Key == "Reason").Value);
        }
    }

    [Fact]
    public async Task Log_QueueFullWithSystemClock_DropNoticeTimesLieWithinTheDrops()
    {
        // The system clock is read at most once per coarse tick for drops: the times may lag the last drop by a
        // tick, but never leave the span in which the drops happened.
        var (sink, handler, logger) = await FullQueueAsync(null);
        await using (handler)
        {
            var before = DateTimeOffset.UtcNow;
            for (var i = 0; i < 10_000; i++)
            {
                logger.LogInformation("dropped {N}", i);
            }

            var after = DateTimeOffset.UtcNow;
            var (count, first, last) = await NoticeAsync(sink, handler);
            Assert.Equal(10_000L, count);
            Assert.InRange(first, before, after);
            Assert.InRange(last, first, after);
        }
    }

    [Fact]
    public async Task Log_QueueFullByOne_NoticeAndSelfLogSayOneEvent()
    {
        var selfLog = new List<string>();
        var (sink, handler, logger) = await FullQueueAsync(o => o.SelfLog = m => { lock (selfLog) { selfLog.Add(m); } });
        await using (handler)
        {
            logger.LogInformation("dropped");

            await NoticeAsync(sink, handler);
            Assert.StartsWith("ThreadedLogging dropped 1 event between ", Assert.Single(sink.Notices).Message, StringComparison.Ordinal);
            lock (selfLog)
            {
                Assert.Contains(selfLog, m => m.Contains(" ThreadedLogging: 1 event dropped between ", StringComparison.Ordinal));
            }
        }
    }

    /// <summary>A handler whose worker hangs in a gated send while its queue of 10 is full: the next call is dropped.</summary>
    private static async Task<(CollectingSink Sink, ThreadedHandler Handler, ILogger Logger)> FullQueueAsync(Action<ThreadedHandlerOptions>? configure)
    {
        var sink = new CollectingSink();
        var handler = new ThreadedHandler(sink, Options(o => { o.QueueCapacity = 10; o.BatchSize = 10; configure?.Invoke(o); }));
        var logger = handler.CreateLogger("App");
        logger.LogInformation("held");
        _ = handler.FlushAsync(); // wake the worker, which now hangs in the gated send
        await sink.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 10; i++)
        {
            logger.LogInformation("queued {N}", i);
        }

        Assert.Equal(0, handler.Statistics.Dropped);
        return (sink, handler, logger);
    }

    private static async Task<(long Count, DateTimeOffset First, DateTimeOffset Last)> NoticeAsync(CollectingSink sink, ThreadedHandler handler)
    {
        sink.Open();
        Assert.True(await handler.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token));
        var notice = Assert.Single(sink.Notices);
        var properties = notice.Properties.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(handler.Statistics.Dropped, properties["DroppedCount"]);
        return ((long)properties["DroppedCount"]!, (DateTimeOffset)properties["FirstDrop"]!, (DateTimeOffset)properties["LastDrop"]!);
    }

    [Fact]
    public async Task Worker_ManyEvents_DeliversInOrderWithIncreasingSequence()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options(o => o.BatchSize = 64));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 1000; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var delivered = sink.Delivered;
        Assert.Equal(Enumerable.Range(0, 1000), delivered.Select(e => (int)e.Properties[0].Value!));
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), delivered.Select(e => e.Sequence));
        Assert.Equal($"event 999", delivered[^1].Message);
    }

    [Fact]
    public async Task Worker_BatchSizeReached_SendsFullBatchesAndKeepsTheRestForTheInterval()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options(o => o.BatchSize = 10));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 35; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        await sink.WaitForBatchesAsync(3);
        Assert.All(sink.Batches, b => Assert.Equal(10, b.Events.Count)); // no partial batch before the interval

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal([10, 10, 10, 5], sink.Batches.Select(b => b.Events.Count));
    }

    [Fact]
    public async Task Worker_MaxBatchBytesReached_SplitsBatchesByBytes()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options(o => { o.BatchSize = 1000; o.MaxBatchBytes = 4096; }));
        var logger = handler.CreateLogger("App");
        var payload = new string('x', 1000); // ~2 KB per event as UTF-16
        for (var i = 0; i < 20; i++)
        {
            logger.LogInformation("event {N} {Payload}", i, payload);
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(20, sink.Delivered.Count);
        Assert.True(sink.Batches.Count >= 10, $"{sink.Batches.Count} batches");
        Assert.All(sink.Batches, b => Assert.InRange(b.Events.Count, 1, 2));
    }

    [Fact]
    public async Task Worker_IntervalElapses_SendsWhatIsQueued()
    {
        var time = new FakeTimeProvider();
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options(o => { o.Interval = TimeSpan.FromSeconds(1); o.TimeProvider = time; }));
        var logger = handler.CreateLogger("App");
        logger.LogInformation("one");
        logger.LogInformation("two");
        Assert.Empty(sink.Batches); // nothing triggers a send before the clock ticks

        time.Advance(TimeSpan.FromSeconds(1));
        await sink.WaitForBatchesAsync(1);
        Assert.Equal(["one", "two"], sink.Delivered.Select(e => e.Message));
    }

    [Fact]
    public async Task Log_ErrorLevel_FlushesImmediately()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options(o => o.BatchSize = 100));
        var logger = handler.CreateLogger("App");
        logger.LogInformation("a");
        logger.LogInformation("b");
        logger.LogError(new InvalidOperationException("boom"), "failed");

        await sink.WaitForBatchesAsync(1);
        Assert.Equal(["a", "b", "failed"], sink.Delivered.Select(e => e.Message));
        Assert.IsType<InvalidOperationException>(sink.Delivered[2].Exception);
    }

    [Fact]
    public async Task Worker_TransientFailures_RetriesUntilDeliveredOnce()
    {
        var failures = 3;
        var sink = new CollectingSink { Decide = _ => failures-- > 0 ? new SendResult(SendOutcome.Transient, Error: "down") : SendResult.Success }.Open();
        await using var handler = new ThreadedHandler(sink, Options());
        handler.CreateLogger("App").LogInformation("hello");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Single(sink.Delivered);
        var stats = handler.Statistics;
        Assert.Equal(3, stats.Failed);
        Assert.Equal(3, stats.Retried);
        Assert.Equal("down", stats.LastError);
    }

    [Fact]
    public async Task Worker_ReceiverDown_OpensTheCircuitAndClosesItOnSuccess()
    {
        var attempts = 0;
        var sixFailures = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var healthy = false;
        var sink = new CollectingSink
        {
            Decide = _ =>
            {
                if (Volatile.Read(ref healthy))
                {
                    return SendResult.Success;
                }

                if (Interlocked.Increment(ref attempts) == 6)
                {
                    sixFailures.TrySetResult();
                }

                return new SendResult(SendOutcome.Transient, Error: "down");
            },
        }.Open();
        await using var handler = new ThreadedHandler(sink, Options());
        handler.CreateLogger("App").LogInformation("hello");
        _ = handler.FlushAsync();

        await sixFailures.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(handler.Statistics.CircuitOpen);
        Volatile.Write(ref healthy, true);
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.False(handler.Statistics.CircuitOpen);
        Assert.Single(sink.Delivered);
    }

    [Fact]
    public async Task Worker_BatchTooLarge_SplitsAndDeliversAllInOrder()
    {
        var sink = new CollectingSink { Decide = b => b.Events.Count > 3 ? new SendResult(SendOutcome.TooLarge) : SendResult.Success }.Open();
        await using var handler = new ThreadedHandler(sink, Options());
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 20; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(Enumerable.Range(0, 20), sink.Delivered.Select(e => (int)e.Properties[0].Value!));
        Assert.All(sink.Batches, b => Assert.True(b.Events.Count <= 3));
        Assert.Equal(sink.Batches.Count, sink.Batches.Select(b => b.Id).Distinct().Count());
    }

    [Fact]
    public async Task Worker_SinkDeliveredSomeAfterAFailedOne_OnlyTheUndeliveredAreSentAgain()
    {
        // The first send delivers events 0, 2, 5 and 6 of 8 (as SQS may accept entries after one it refused).
        var first = true;
        var sink = new CollectingSink
        {
            Decide = b =>
            {
                if (!first)
                {
                    return SendResult.Success;
                }

                first = false;
                return new SendResult(SendOutcome.Transient, Completed: 1, Error: "one refused") { DeliveredAfter = [(2, 1), (5, 2)] };
            },
        }.Open();
        await using var handler = new ThreadedHandler(sink, Options(o => o.BatchSize = 8));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 8; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var resent = Assert.Single(sink.Batches);
        Assert.Equal(["event 1", "event 3", "event 4", "event 7"], resent.Events.Select(e => e.Message));
        Assert.Equal(8, handler.Statistics.Sent);
        Assert.Equal(1, handler.Statistics.Failed);
        Assert.Equal(0, handler.Statistics.Dropped);
    }

    [Fact]
    public async Task Worker_PoisonEvent_IsDroppedAloneAndCounted()
    {
        var sink = new CollectingSink { Decide = b => b.Events.Any(e => e.Message == "poison") ? new SendResult(SendOutcome.Rejected, Error: "HTTP 400") : SendResult.Success }.Open();
        var selfLog = new List<string>();
        await using var handler = new ThreadedHandler(sink, Options(o => o.SelfLog = m => { lock (selfLog) { selfLog.Add(m); } }));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 9; i++)
        {
            logger.LogInformation(i == 4 ? "poison" : "fine");
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(8, sink.Delivered.Count);
        Assert.Equal(1, handler.Statistics.Dropped);
        lock (selfLog)
        {
            Assert.Contains(selfLog, m => m.Contains("1 event refused by the receiver (Rejected) and dropped: HTTP 400", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Worker_CustomSinkThrowsOnOneEvent_ItIsDroppedAloneAfterRetriesAndTheRestDelivered()
    {
        // A sink whose serializer throws on one event's value: before, a transient failure forever, holding every later event.
        var sends = 0;
        var sink = new CollectingSink
        {
            Decide = b =>
            {
                Interlocked.Increment(ref sends);
                return b.Events.Any(e => e.Message == "poison") ? throw new NotSupportedException("Serialization of 'System.IntPtr' is not supported.") : SendResult.Success;
            },
        }.Open();
        var selfLog = new List<string>();
        await using var handler = new ThreadedHandler(sink, Options(o => o.SelfLog = m => { lock (selfLog) { selfLog.Add(m); } }));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 16; i++)
        {
            logger.LogInformation(i == 5 ? "poison" : "fine {N}", i);
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(Enumerable.Range(0, 16).Where(i => i != 5).Select(i => $"fine {i}"), sink.Delivered.Select(e => e.Message));
        var stats = handler.Statistics;
        Assert.Equal(1, stats.Dropped);
        Assert.Equal(SinkFailure.AttemptsBeforeIsolating - 1, stats.Retried); // then halved down to the event: 16, 8, 4, 2, 1
        Assert.Equal(SinkFailure.AttemptsBeforeIsolating + 4 + 4, Volatile.Read(ref sends));
        lock (selfLog)
        {
            Assert.Contains(selfLog, m => m.Contains("1 event dropped, as the sink throws when sending it (the sink threw NotSupportedException: Serialization", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("http")]
    [InlineData("io")]
    [InlineData("timeout")]
    [InlineData("cancelled")]
    [InlineData("inner")]
    public async Task Worker_CustomSinkThrowsTransientExceptions_RetriedPastTheContentLimitAndNothingDropped(string kind)
    {
        var failures = SinkFailure.AttemptsBeforeIsolating + 2;
        var sink = new CollectingSink
        {
            Decide = _ => failures-- <= 0 ? SendResult.Success : throw (kind switch
            {
                "http" => new HttpRequestException("Connection refused"),
                "io" => new IOException("Broken pipe"),
                "timeout" => new TimeoutException(),
                "cancelled" => new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout"),
                _ => new InvalidOperationException("Send failed", new System.Net.Sockets.SocketException(111)),
            }),
        }.Open();
        await using var handler = new ThreadedHandler(sink, Options());
        handler.CreateLogger("App").LogInformation("one");
        handler.CreateLogger("App").LogInformation("two");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["one", "two"], sink.Delivered.Select(e => e.Message));
        Assert.Equal(0, handler.Statistics.Dropped);
        Assert.Equal(SinkFailure.AttemptsBeforeIsolating + 2, handler.Statistics.Retried);
    }

    [Fact]
    public async Task Worker_SensitiveProperties_AreRedactedInPropertiesAndMessage()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options());
        handler.CreateLogger("App").LogInformation("Login {User} with {Password} and {api_key}", "bob", "hunter2", "k-123");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var e = Assert.Single(sink.Delivered);
        Assert.Equal("Login bob with *** and ***", e.Message);
        Assert.Equal(["bob", "***", "***"], e.Properties.Select(p => p.Value));
    }

    [Fact]
    public async Task CreateLogger_OwnCategories_AreNeverShippedButAppCategoriesSharingTheirStartAre()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options());
        handler.CreateLogger("ThreadedLogging").LogWarning("loop");
        handler.CreateLogger("ThreadedLogging.Collector.Ingest.IngestEndpoint").LogWarning("loop");
        handler.CreateLogger("ThreadedLoggingDemo.Orders").LogWarning("demo app");
        handler.CreateLogger("System.Net.Http.HttpClient.catalog.LogicalHandler").LogWarning("app's HTTP client");
        handler.CreateLogger("App").LogWarning("kept");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["demo app", "app's HTTP client", "kept"], sink.Delivered.Select(e => e.Message));
    }

    [Theory]
    [InlineData("Amazon", "Amazon", true)]
    [InlineData("Amazon.SQS.AmazonSQSClient", "Amazon", true)]
    [InlineData("AmazonShop.Cart", "Amazon", false)]
    [InlineData("Amazo", "Amazon", false)]
    [InlineData("Microsoft.Hosting", "Microsoft.", true)]
    [InlineData("Microsoft", "Microsoft.", false)]
    public void IsExcluded_NameMatchesAtADot(string category, string excluded, bool expected) =>
        Assert.Equal(expected, ThreadedHandler.IsExcluded(category, [excluded]));

    [Fact]
    public async Task Level_SetToWarning_FiltersLowerLevels()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options()) { Level = LogLevel.Warning };
        var logger = handler.CreateLogger("App");
        logger.LogInformation("info");
        logger.LogWarning("warn");

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["warn"], sink.Delivered.Select(e => e.Message));
    }

    [Fact]
    public async Task Level_SetToAValueNoLogLevelHas_ThrowsAndKeepsTheLevel()
    {
        // Before: accepted, and the handler then shipped nothing at all (level 42 is above None).
        await using var handler = new ThreadedHandler(new CollectingSink().Open(), Options()) { Level = LogLevel.Warning };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => handler.Level = (LogLevel)42);
        Assert.Contains("Level must be a LogLevel", error.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, handler.Level);
    }

    [Fact]
    public async Task Flush_NegativeTimeout_ThrowsNamingTimeout()
    {
        // Before: the ArgumentOutOfRangeException of a timer inside, naming its parameter 'delay'.
        await using var handler = new ThreadedHandler(new CollectingSink().Open(), Options());
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => handler.Flush(TimeSpan.FromSeconds(-1)));
        Assert.Equal("timeout", error.ParamName);
    }

    [Fact]
    public async Task Flush_InfiniteOrLongerThanATimerTakes_WaitsUntilDelivered()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options());
        var logger = handler.CreateLogger("App");
        logger.LogInformation("one");
        Assert.True(handler.Flush(TimeSpan.MaxValue)); // before: ArgumentOutOfRangeException ('delay')
        logger.LogInformation("two");
        Assert.True(handler.Flush(Timeout.InfiniteTimeSpan));
        Assert.Equal(["one", "two"], sink.Delivered.Select(e => e.Message));
    }

    [Fact]
    public async Task Log_CapturesScopesActivityAndIdentity()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options(o => { o.App = "Payroll"; o.User = "alice"; o.Version = "2.1"; }));
        var logger = handler.CreateLogger("App");
        using var activity = new System.Diagnostics.Activity("op").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start();
        using (logger.BeginScope("Order {OrderId}", 42))
        {
            logger.LogInformation(new EventId(7, "Paid"), "paid {Amount}", 12.5m);
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var e = Assert.Single(sink.Delivered);
        Assert.Equal(activity.TraceId, e.TraceId);
        Assert.Equal(7, e.EventId.Id);
        Assert.Equal("paid {Amount}", e.Template);
        Assert.Equal("paid 12.5", e.Message);
        var scope = Assert.IsType<KeyValuePair<string, object?>[]>(Assert.Single(e.Scopes));
        Assert.Contains(new KeyValuePair<string, object?>("OrderId", 42), scope);
        var batch = sink.Batches[0];
        Assert.Equal(("Payroll", "alice", "2.1"), (batch.Identity.App, batch.Identity.User, batch.Identity.Version));
        Assert.Equal(Environment.ProcessId, batch.Identity.ProcessId);
    }

    [Fact]
    public async Task Log_MutableValue_IsCapturedAsItWasAtTheCall()
    {
        var sink = new CollectingSink();
        await using var handler = new ThreadedHandler(sink, Options());
        var items = new List<int> { 1, 2 };
        handler.CreateLogger("App").LogInformation("items {Items}", items);
        items.Add(3);

        sink.Open();
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal("items 1, 2", Assert.Single(sink.Delivered).Message);
    }

    [Theory]
    [InlineData(10, "10 events were not delivered before the shutdown deadline (200 ms) and are lost. Set BufferDirectory to keep what a disposal cannot deliver on disk for the next start.")]
    [InlineData(1, "1 event was not delivered before the shutdown deadline (200 ms) and is lost. Set BufferDirectory to keep what a disposal cannot deliver on disk for the next start.")]
    public async Task Dispose_SinkNeverAnswers_ReturnsAndCountsTheLoss(int logged, string said)
    {
        var sink = new CollectingSink(); // the gate is never opened
        var selfLog = new List<string>();
        var handler = new ThreadedHandler(sink, Options(o => { o.ShutdownTimeout = TimeSpan.FromMilliseconds(200); o.SelfLog = m => { lock (selfLog) { selfLog.Add(m); } }; }));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < logged; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        await handler.DisposeAsync();

        Assert.Equal(logged, handler.Statistics.Dropped);
        Assert.Equal(0, handler.Statistics.Sent);
        lock (selfLog)
        {
            Assert.Contains(selfLog, m => m.EndsWith(said, StringComparison.Ordinal));
        }

        logger.LogInformation("after dispose");
        Assert.Equal(logged + 1, handler.Statistics.Dropped);
    }

    [Fact]
    public async Task Dispose_DropNoticeInFlightIsLost_NotCountedAsAnEventOfTheApp()
    {
        var sink = new CollectingSink(); // never opened: the batch with the notice is lost at shutdown
        var handler = new ThreadedHandler(sink, Options(o => { o.QueueCapacity = 2; o.ShutdownTimeout = TimeSpan.FromMilliseconds(200); }));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 5; i++)
        {
            logger.LogInformation("event {N}", i); // the queue takes 2; the other calls are refused
        }

        Assert.True(handler.Statistics.Enqueued < 5);
        _ = handler.FlushAsync(); // the worker takes the queued events and the drop notice, and hangs in the send
        await sink.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await handler.DisposeAsync();

        // Each of the 5 calls is dropped once: refused, or accepted and lost at shutdown. The notice is the handler's own.
        var stats = handler.Statistics;
        Assert.Equal((0L, 5L, 0L), (stats.Sent, stats.Dropped, stats.Pending));
    }

    [Fact]
    public async Task Dispose_HealthySink_DrainsEverything()
    {
        var sink = new CollectingSink().Open();
        // A budget no loaded machine reaches: Dispose returns once drained; the default 5 s would make this a speed limit.
        var handler = new ThreadedHandler(sink, Options(o => { o.BatchSize = 7; o.ShutdownTimeout = TimeSpan.FromMinutes(1); }));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 50; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        await handler.DisposeAsync();
        Assert.Equal(50, sink.Delivered.Count);
        Assert.Equal(0, handler.Statistics.Dropped);
    }

    [Fact]
    public async Task Log_FullModeWait_BlocksUntilTheWorkerMakesRoom()
    {
        var sink = new CollectingSink();
        await using var handler = new ThreadedHandler(sink, Options(o => { o.QueueCapacity = 5; o.BatchSize = 5; o.FullMode = QueueFullMode.Wait; }));
        var logger = handler.CreateLogger("App");
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                logger.LogInformation("event {N}", i);
            }
        });

        await sink.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(writer.IsCompleted); // 50 events cannot fit while the transport holds
        sink.Open();
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(50, sink.Delivered.Count);
        Assert.Equal(0, handler.Statistics.Dropped);
    }

    [Fact]
    public async Task Log_FullModeWaitWithAQueueSmallerThanABatch_TheWorkerSendsWhatIsQueuedWithoutWaitingForTheClock()
    {
        // A full queue of 2 is not a full batch of 500: a waiting caller used only to wake the worker, which found no
        // full batch and slept until the interval (an hour here). The caller asks for a drain now.
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options(o => { o.QueueCapacity = 2; o.BatchSize = 500; o.FullMode = QueueFullMode.Wait; }));
        var logger = handler.CreateLogger("App");
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 20; i++)
            {
                logger.LogInformation("event {N}", i);
            }
        });

        await writer.WaitAsync(TimeSpan.FromSeconds(30)); // a bound on a hang: it waited for the hour's tick before
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(20, sink.Delivered.Count);
        Assert.Equal(0, handler.Statistics.Dropped);
    }

    [Fact]
    public async Task Log_FullModeWaitCalledByTheSinkItself_DroppedNotWaitedForSoDeliveryGoesOn()
    {
        // A sink that logs through the app's loggers (a DI-made sink with an ILogger<T>, a wrapped provider that logs
        // its own errors) calls the handler from the worker's flow. With a full queue it waited for room that only the
        // worker it blocked could make: delivery stopped, and with it every app thread logging in Wait mode, until Dispose.
        ILogger? sinkLog = null;
        var sink = new CollectingSink
        {
            Decide = b =>
            {
                sinkLog!.LogInformation("sent {Count}", b.Events.Count);
                sinkLog!.LogInformation("sent {Count} (second line)", b.Events.Count);
                return SendResult.Success;
            },
        }.Open();
        await using var handler = new ThreadedHandler(sink, Options(o => { o.QueueCapacity = 1; o.FullMode = QueueFullMode.Wait; o.ShutdownTimeout = TimeSpan.FromSeconds(1); }));
        sinkLog = handler.CreateLogger("App.Sink");
        handler.CreateLogger("App").LogInformation("one");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal("one", sink.Delivered[0].Message);
        Assert.True(handler.Statistics.Dropped >= 1);
    }

    [Fact]
    public async Task Dispose_CallerBlockedInFullModeWait_CountsItAsDroppedNotEnqueued()
    {
        var sink = new CollectingSink(); // holds the first send until shutdown cancels it
        var handler = new ThreadedHandler(sink, Options(o => { o.QueueCapacity = 1; o.BatchSize = 1; o.FullMode = QueueFullMode.Wait; o.ShutdownTimeout = TimeSpan.Zero; }));
        var logger = handler.CreateLogger("App");
        logger.LogInformation("in flight");
        await sink.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        logger.LogInformation("queued"); // the queue is full now
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        handler.Queue.WaitingForRoom = () => waiting.TrySetResult();
        var blocked = Task.Run(() => logger.LogInformation("waits for room"));
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(30)); // a bound on a hang, not a timing

        await handler.DisposeAsync();
        await blocked.WaitAsync(TimeSpan.FromSeconds(30));

        var statistics = handler.Statistics;
        Assert.Equal(2, statistics.Enqueued); // the blocked call never reached the ring
        Assert.Equal(3, statistics.Dropped); // it was refused, and the two accepted ones were lost at the deadline
        Assert.Equal(0, statistics.Sent);
    }

    [Theory]
    [InlineData("BatchSize", "BatchSize must be between 1 and 100000 (was 0).")]
    [InlineData("QueueCapacity", "QueueCapacity must be between 1 and 10000000 (was -1).")]
    [InlineData("Interval", "Interval must be between 1 ms and 1 hour (was 00:00:00).")]
    [InlineData("SubMillisecondInterval", "Interval must be between 1 ms and 1 hour (was 00:00:00.0005000).")]
    public void Constructor_BadOption_ThrowsNamingIt(string option, string message)
    {
        var options = new ThreadedHandlerOptions();
        switch (option)
        {
            case "BatchSize": options.BatchSize = 0; break;
            case "QueueCapacity": options.QueueCapacity = -1; break;
            case "Interval": options.Interval = TimeSpan.Zero; break;
            case "SubMillisecondInterval": options.Interval = TimeSpan.FromMicroseconds(500); break;
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ThreadedHandler(new CollectingSink(), options));
        Assert.Equal(option.Replace("SubMillisecond", "", StringComparison.Ordinal), error.ParamName);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ExcludedCategories")]
    [InlineData("RedactedProperties")]
    public void Constructor_NullInAList_ThrowsNamingTheOption(string option)
    {
        // A null name used to surface later and elsewhere: every CreateLogger of the app threw (ExcludedCategories), or
        // a NullReferenceException naming nothing came out of the constructor (RedactedProperties).
        var options = new ThreadedHandlerOptions();
        (option == "ExcludedCategories" ? options.ExcludedCategories : options.RedactedProperties).Add(null!);

        var error = Assert.Throws<ArgumentException>(() => new ThreadedHandler(new CollectingSink(), options));
        Assert.Equal(option, error.ParamName);
        Assert.StartsWith($"{option} must not hold null (item {(option == "ExcludedCategories" ? 1 : 5)}).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Constructor_CreatorHasAsyncLocals_WorkerDoesNotCarryThem()
    {
        var request = new AsyncLocal<string?> { Value = "request 42" }; // a request's scope, say
        string? seenBySink = "not sent";
        var sink = new CollectingSink { Decide = _ => { seenBySink = request.Value; return SendResult.Success; } }.Open();
        await using var handler = new ThreadedHandler(sink, Options());

        handler.CreateLogger("App").LogInformation("hello");

        Assert.True(await handler.FlushAsync());
        Assert.Equal("request 42", request.Value);
        Assert.Null(seenBySink);
    }
}
