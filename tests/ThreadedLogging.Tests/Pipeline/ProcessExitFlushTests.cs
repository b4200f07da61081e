using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Testing;
using ThreadedLogging.Tests.Http;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// The exit of a process that did not dispose its handler (<see cref="ProcessExitFlush"/>), driven in this process: the
/// test begins the exit with a budget no machine reaches and spends it when it chooses (<see cref="ProcessExitFlush.SpendExitBudget"/>),
/// so what is delivered depends on the sink's gate, never on speed. The real exit, in a child process: Delivery's ProcessEndTests.
/// Alone: the EventSource's counts are process-wide, and no other test's handler may report meanwhile.
/// </summary>
[Collection(ExitAccountingCollection.Name)]
public sealed class ProcessExitFlushTests
{
    private static readonly TimeSpan Unreached = TimeSpan.FromMinutes(2);

    private static ThreadedHandlerOptions Options(ConcurrentQueue<string> selfLog, Action<ThreadedHandlerOptions>? configure = null)
    {
        var options = new ThreadedHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Interval = TimeSpan.FromHours(1), // only the exit and the test wake the worker
            MinRetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(20),
            SelfLog = selfLog.Enqueue,
        };
        configure?.Invoke(options);
        return options;
    }

    [Fact]
    public async Task Exit_BudgetSpentWithEventsInMemory_OneLineAndCountedUndeliveredNotDroppedUntilDeliveredAfterAll()
    {
        var selfLog = new ConcurrentQueue<string>();
        var sink = new CollectingSink(); // its gate holds every send: nothing is delivered until the test opens it
        var handler = new ThreadedHandler(sink, Options(selfLog));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 30; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        var exit = handler.ExitFlush.ExitAsync(Unreached);
        await sink.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        handler.ExitFlush.SpendExitBudget();
        await exit.WaitAsync(TimeSpan.FromSeconds(30));

        var line = Assert.Single(selfLog, l => l.Contains("within the exit budget", StringComparison.Ordinal));
        Assert.Contains("The process is exiting without disposing the handler: 30 events were not delivered within the exit budget (ShutdownTimeout, 120000 ms; waited ", line, StringComparison.Ordinal);
        var atExit = handler.Statistics; // lost if the process ends now, but not yet: undelivered and pending, not dropped
        Assert.Equal((30L, 0L, 0L, 30L, 30L), (atExit.Enqueued, atExit.Sent, atExit.Dropped, atExit.Pending, atExit.UndeliveredAtExit));

        // The process did not end after all (a host disposes later): the worker delivers them. Dropped, read around that
        // delivery, does not go down (before: 30 dropped at the exit, then 0).
        sink.Open();
        Assert.True(await handler.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token));
        var delivered = handler.Statistics;
        Assert.Equal((30L, 30L, 0L, 0L, 0L), (delivered.Enqueued, delivered.Sent, delivered.Dropped, delivered.Pending, delivered.UndeliveredAtExit));

        await handler.DisposeAsync();
        Assert.Single(selfLog, l => l.Contains("30 events reported lost while the process exited were delivered after all", StringComparison.Ordinal));
        Assert.DoesNotContain(selfLog, l => l.Contains("before the shutdown deadline", StringComparison.Ordinal));
        Assert.Equal((30L, 0L, 0L), (handler.Statistics.Sent, handler.Statistics.Dropped, handler.Statistics.Pending));
    }

    /// <summary>
    /// The start's level hold let Debug calls in that the worker has not decided yet (the release leaves them out at
    /// Information): neither enqueued nor pending, so not undelivered either (before: 13 undelivered, 3 pending).
    /// </summary>
    [Fact]
    public async Task Exit_HeldCallsNotYetDecided_UndeliveredAtExitCountsOnlyWhatPendingCounts()
    {
        var selfLog = new ConcurrentQueue<string>();
        await using var server = await LoopbackServer.StartAsync();
        var (polled, levelGate) = StartLevelHoldTests.GateLevelAnswers(server, LoopbackServer.NoLevels);
        var sendStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ingestGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Respond = async _ =>
        {
            sendStarted.TrySetResult();
            await ingestGate.Task;
            return Results.Ok();
        };
        var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.Level = LogLevel.Information;
            o.BatchSize = 1;
            o.RequestTimeout = TimeSpan.FromMinutes(10);
            o.SelfLog = selfLog.Enqueue;
        }));
        var logger = handler.CreateLogger("Payroll");
        await polled.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the hold is on until the test opens the level gate
        for (var i = 0; i < 3; i++)
        {
            logger.LogInformation("information {N}", i);
        }

        for (var i = 0; i < 10; i++)
        {
            logger.LogDebug("debug {N}", i);
        }

        var exit = handler.ExitFlush.ExitAsync(Unreached);
        await sendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        handler.ExitFlush.SpendExitBudget();
        await exit.WaitAsync(TimeSpan.FromSeconds(30));

        var atExit = handler.Statistics;
        Assert.Equal((3L, 3L, 3L), (atExit.Enqueued, atExit.Pending, atExit.UndeliveredAtExit));
        var line = Assert.Single(selfLog, l => l.Contains("within the exit budget", StringComparison.Ordinal));
        Assert.Contains(": 3 events were not delivered within the exit budget", line, StringComparison.Ordinal);

        ingestGate.SetResult();
        levelGate.SetResult();
        await handler.DisposeAsync();
        Assert.Equal((3L, 3L, 0L, 0L), (handler.Statistics.Enqueued, handler.Statistics.Sent, handler.Statistics.Dropped, handler.Statistics.Pending));
    }

    [Fact]
    public async Task Exit_BudgetSpentWithEventsInTheSpool_SaysTheyStayOnDiskNotLost()
    {
        using var directory = new TempDirectory();
        var selfLog = new ConcurrentQueue<string>();
        var sink = new CollectingSink();
        var handler = new ThreadedHandler(sink, Options(selfLog, o => o.BufferDirectory = directory.Path));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 30; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        using var stopWaiting = new CancellationTokenSource();
        _ = handler.FlushAsync(stopWaiting.Token); // wakes the worker: it spools what is queued, then sends it from the spool
        await sink.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(30, handler.Statistics.Spooled);

        var exit = handler.ExitFlush.ExitAsync(Unreached);
        handler.ExitFlush.SpendExitBudget();
        await exit.WaitAsync(TimeSpan.FromSeconds(30));

        var line = Assert.Single(selfLog, l => l.Contains("within the exit budget", StringComparison.Ordinal));
        Assert.Contains(": 30 events were not delivered within the exit budget (ShutdownTimeout, 120000 ms; waited ", line, StringComparison.Ordinal);
        Assert.Contains("they stay in the spool (BufferDirectory) for the next start.", line, StringComparison.Ordinal);
        var atExit = handler.Statistics; // on disk: the next start sends them
        Assert.Equal((0L, 0L, 30L, 30L), (atExit.Sent, atExit.Dropped, atExit.Spooled, atExit.Pending));

        await stopWaiting.CancelAsync();
        sink.Open();
        await handler.DisposeAsync();
        Assert.Equal((30L, 0L, 0L), (handler.Statistics.Sent, handler.Statistics.Dropped, handler.Statistics.Pending));
    }

    /// <summary>
    /// With a spool, a call logged while the process exits returns once its event is on disk (<see cref="ProcessExitFlush.Outcome.OnDisk"/>),
    /// never on the answer of a check that read the books before its event was queued. The late call registers its wait
    /// (<see cref="BatchWorker.AllOnDiskAfterFailedSend"/>) just after such a check read the books, all on disk, and before
    /// it answered the exit's wait (the hook <see cref="ThreadedHandlerOptions.AllOnDiskBooksRead"/>, on the worker): before,
    /// the registration was handed that same wait, answered at once, and the call returned with its event still in memory,
    /// where a process ending then loses it unreported. Against a real Kestrel answering 503.
    /// </summary>
    [Fact]
    public async Task Exit_LateCallRegistersAsACheckAnswers_ReturnsOnlyOnceItsEventIsOnDisk()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.KeepRequests = false;
        server.Refuse = LoopbackServer.Everything; // the collector down: every spooled batch's send fails
        using var directory = new TempDirectory();
        var selfLog = new ConcurrentQueue<string>();
        ILogger? logger = null;
        Task? late = null;
        var registered = 0; // 1 once the late call waits, registered
        var checksAfter = 0; // checks that read the books after the late call registered, before any answered it
        using var lateWaiting = new ManualResetEventSlim();
        var handler = new ThreadedHttpHandler(ThreadedHttpHandlerTests.Options(server, o =>
        {
            o.BufferDirectory = directory.Path;
            o.ShutdownTimeout = TimeSpan.FromMinutes(10);
            o.SelfLog = selfLog.Enqueue;
            o.AllOnDiskBooksRead = () =>
            {
                if (Volatile.Read(ref registered) == 1)
                {
                    Interlocked.Increment(ref checksAfter);
                    return;
                }

                if (Volatile.Read(ref late) is null)
                {
                    // The first check that found everything on disk with the exit's wait registered: the late call queues
                    // its event and registers now, between this check's books and its answer. On a thread of the app's, not
                    // of the worker's flow (whose calls never wait for the worker).
                    using (ExecutionContext.SuppressFlow())
                    {
                        Volatile.Write(ref late, Task.Factory.StartNew(() => logger!.LogInformation("late"), TaskCreationOptions.LongRunning));
                    }

                    Assert.True(lateWaiting.Wait(TimeSpan.FromSeconds(30))); // a bound on a hang, not a timing
                    Volatile.Write(ref registered, 1);
                }
            };
        }));
        handler.ExitFlush.LateCallWaiting = lateWaiting.Set;
        logger = handler.CreateLogger("App");
        for (var i = 0; i < 5; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        await handler.ExitFlush.ExitAsync(Unreached).WaitAsync(TimeSpan.FromSeconds(30)); // answered by the check that runs the hook
        await Volatile.Read(ref late)!.WaitAsync(TimeSpan.FromSeconds(30));

        // The late call returned: a check that read the books after it registered found its event on disk.
        Assert.True(Volatile.Read(ref checksAfter) >= 1, "the late call returned on the answer of a check that read the books before its event was queued");
        var atExit = handler.Statistics;
        Assert.Equal((6L, 0L, 0L, 6L, 6L, 0L), (atExit.Enqueued, atExit.Sent, atExit.Dropped, atExit.Spooled, atExit.Pending, atExit.UndeliveredAtExit));
        Assert.DoesNotContain(selfLog, l => l.Contains("could not be delivered within the exit budget", StringComparison.Ordinal));

        await handler.DisposeAsync();
        Assert.Contains(selfLog, l => l.Contains("6 events remain in the spool", StringComparison.Ordinal));
        Assert.Equal((0L, 0L, 6L), (handler.Statistics.Sent, handler.Statistics.Dropped, handler.Statistics.Pending));
    }

    /// <summary>
    /// Several threads log while the process exits (the app's own ProcessExit work, its other threads). Each call waits
    /// for its delivery, gives up when the budget is spent and reports; a host disposes the handler later, which delivers
    /// the first batch and loses the rest. The counts must be exact: the EventSource's lost less delivered-after-all is
    /// what was lost, the self-log says how many were delivered after all, Statistics counts each event once. Reports by
    /// queue position (d060d17) recorded the queue's count when each call gave up, the same position for calls that had
    /// all committed by then: the disposal took them all for still lost (4 reported, 3 lost: the one delivered never said,
    /// lost less delivered 4).
    /// </summary>
    [Theory]
    [InlineData(4, 1)]
    [InlineData(8, 50)]
    public async Task Exit_LateCallsOnSeveralThreadsThenDisposalDeliversSome_EachEventCountedOnce(int threads, int callsPerThread)
    {
        using var listener = new ShutdownCounts();
        var selfLog = new ConcurrentQueue<string>();
        var sink = new FirstBatchThenHang();
        var handler = new ThreadedHandler(sink, Options(selfLog, o => { o.BatchSize = 3; o.ShutdownTimeout = TimeSpan.FromSeconds(1); }));
        var logger = handler.CreateLogger("App");
        var total = threads * callsPerThread;

        var waitingCalls = 0;
        var allWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        handler.ExitFlush.LateCallWaiting = () =>
        {
            if (Interlocked.Increment(ref waitingCalls) == threads)
            {
                allWaiting.TrySetResult();
            }
        };
        var exit = handler.ExitFlush.ExitAsync(Unreached); // nothing queued: the exit's own flush has nothing to wait for
        await exit.WaitAsync(TimeSpan.FromSeconds(30));
        var logging = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                for (var i = 0; i < callsPerThread; i++)
                {
                    logger.LogInformation("thread {Thread} call {Call}", t, i); // the first waits until the budget is spent
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();

        // Every thread's first call is in: each now waits for its delivery, which the closed gate holds.
        await allWaiting.Task.WaitAsync(TimeSpan.FromSeconds(30)); // a bound on a hang, not a timing
        Assert.Equal(threads, handler.Statistics.Enqueued);
        handler.ExitFlush.SpendExitBudget();
        await Task.WhenAll(logging).WaitAsync(TimeSpan.FromSeconds(60));

        // The worker holds its first batch in the gated send (one send at a time for a user's sink): nothing moves from the
        // queue into flight while the counts are read one by one (a batch taken between two reads made Pending 398 of 400).
        await sink.Sending.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var atExit = handler.Statistics;
        Assert.Equal((long)total, atExit.Enqueued);
        Assert.Equal((0L, 0L, (long)total, (long)total), (atExit.Sent, atExit.Dropped, atExit.Pending, atExit.UndeliveredAtExit)); // nothing delivered yet: all lost if the process ended now, none lost yet
        Assert.Equal(total, listener.Lost - listener.DeliveredAfterAll);

        // A host disposes the handler: its first batch (1 to 3 events, as the worker took them) is delivered and settled
        // before the second send begins, which hangs until ShutdownTimeout: the rest is lost, however slow the machine.
        sink.Gate.TrySetResult();
        await sink.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await handler.DisposeAsync();

        var delivered = sink.Delivered;
        Assert.InRange(delivered, 1, 3);
        var lost = total - delivered;
        var end = handler.Statistics;
        Assert.Equal(((long)delivered, (long)lost, 0L, 0L), (end.Sent, end.Dropped, end.Pending, end.UndeliveredAtExit)); // Dropped went 0, then lost: never down (before: total, then lost)
        Assert.Equal(lost, listener.Lost - listener.DeliveredAfterAll);
        var lostSaid = lost == 1 ? "1 event was" : $"{lost} events were"; // 1 when 4 threads lose all but 3
        var deliveredSaid = delivered == 1 ? "1 event reported lost while the process exited was" : $"{delivered} events reported lost while the process exited were";
        Assert.Single(selfLog, l => l.Contains($"{lostSaid} not delivered before the shutdown deadline", StringComparison.Ordinal));
        Assert.Single(selfLog, l => l.Contains($"{deliveredSaid} delivered after all", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exit_DisposalLosesEventsWhileTheExitWaits_ReportedOnceByTheDisposal()
    {
        using var listener = new ShutdownCounts();
        var selfLog = new ConcurrentQueue<string>();
        var sink = new CollectingSink(); // never opened: the disposal's deadline cancels the send
        var handler = new ThreadedHandler(sink, Options(selfLog, o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(200)));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 5; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        var exit = handler.ExitFlush.ExitAsync(Unreached); // ProcessExit, while the host disposes the handler
        await sink.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await handler.DisposeAsync();
        await exit.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(selfLog, l => l.Contains("5 events were not delivered before the shutdown deadline", StringComparison.Ordinal));
        Assert.DoesNotContain(selfLog, l => l.Contains("exiting without disposing", StringComparison.Ordinal));
        var end = handler.Statistics;
        Assert.Equal((5L, 0L, 5L, 0L), (end.Enqueued, end.Sent, end.Dropped, end.Pending));
        Assert.Equal(5, listener.Lost - listener.DeliveredAfterAll);
    }

    [Fact]
    public async Task Exit_AfterADisposalThatLostEvents_NeitherDrainsNorReportsThemAgain()
    {
        var selfLog = new ConcurrentQueue<string>();
        var sink = new CollectingSink();
        var handler = new ThreadedHandler(sink, Options(selfLog, o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(200)));
        handler.CreateLogger("App").LogInformation("lost at the disposal");
        await handler.DisposeAsync(); // ProcessExit's list was read before the disposal took the handler off it

        await handler.ExitFlush.ExitAsync(Unreached).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(selfLog, l => l.Contains("1 event was not delivered before the shutdown deadline", StringComparison.Ordinal));
        Assert.DoesNotContain(selfLog, l => l.Contains("exiting without disposing", StringComparison.Ordinal));
        Assert.Equal((1L, 0L, 1L), (handler.Statistics.Enqueued, handler.Statistics.Sent, handler.Statistics.Dropped));
    }

    [Fact]
    public async Task Exit_DuringADisposalThatDrains_EveryEventDeliveredOnceAndNothingReported()
    {
        var selfLog = new ConcurrentQueue<string>();
        var sink = new CollectingSink();
        var handler = new ThreadedHandler(sink, Options(selfLog, o => o.ShutdownTimeout = Unreached));
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 10; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        var disposal = handler.DisposeAsync().AsTask();
        await sink.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var exit = handler.ExitFlush.ExitAsync(Unreached);
        sink.Open();
        await Task.WhenAll(disposal, exit).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"event {i}"), sink.Delivered.Select(e => e.Message));
        Assert.Equal((10L, 10L, 0L, 0L), (handler.Statistics.Enqueued, handler.Statistics.Sent, handler.Statistics.Dropped, handler.Statistics.Pending));
        Assert.DoesNotContain(selfLog, l => l.Contains("lost", StringComparison.Ordinal) || l.Contains("exiting", StringComparison.Ordinal));
    }

    /// <summary>A sink whose sends wait for <see cref="Gate"/>; then the first batch is delivered and every later send hangs until cancelled (the shutdown deadline).</summary>
    private sealed class FirstBatchThenHang : ILogBatchSink
    {
        private int _sends;
        private int _delivered;

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Gets a task completed when the first send begins: the worker took its batch off the queue and waits in it.</summary>
        public TaskCompletionSource Sending { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Delivered => Volatile.Read(ref _delivered);

        /// <summary>Gets a task completed when the second send begins (the worker settled the first before it).</summary>
        public TaskCompletionSource Hanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken)
        {
            Sending.TrySetResult();
            await Gate.Task.WaitAsync(cancellationToken);
            if (Interlocked.Increment(ref _sends) > 1)
            {
                Hanging.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            Interlocked.Add(ref _delivered, batch.Events.Count(e => e.Category != "ThreadedLogging"));
            return SendResult.Success;
        }
    }

    /// <summary>The EventSource's shutdown counts: <c>EventsLostAtShutdown</c> and <c>LateEventsDelivered</c>, summed.</summary>
    private sealed class ShutdownCounts : EventListener
    {
        private long _lost;
        private long _deliveredAfterAll;

        public long Lost => Interlocked.Read(ref _lost);

        public long DeliveredAfterAll => Interlocked.Read(ref _deliveredAfterAll);

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "ThreadedLogging")
            {
                EnableEvents(eventSource, EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventId == ThreadedLoggingEventSource.EventsLostAtShutdownId)
            {
                Interlocked.Add(ref _lost, (long)eventData.Payload![0]!);
            }
            else if (eventData.EventId == ThreadedLoggingEventSource.LateEventsDeliveredId)
            {
                Interlocked.Add(ref _deliveredAfterAll, (long)eventData.Payload![0]!);
            }
        }
    }
}

/// <summary>Runs after every parallel test collection, alone: the EventSource's shutdown counts are process-wide.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExitAccountingCollection
{
    public const string Name = "Exit accounting (alone)";
}
