using Microsoft.Extensions.Logging;
using ThreadedLogging.Testing;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Spool;

/// <summary>A fault of the pipeline's own (not the disk's, not the sink's) while a batch is partly delivered: every event is still counted once.</summary>
public sealed class SpoolFaultTests
{
    [Fact]
    public async Task SpoolThrows_WhileAPartlyDeliveredBatchWaitsToRetry_EveryEventCountedOnceAndDeliveredOnce()
    {
        // Before its retry, an event the spool's writer throws on is queued: the retry's wait moves it to the spool, and the
        // writer throws there (no IOException: no failing disk).
        var (statistics, received, selfLog) = await PartlyDeliveredFirstAsync(() => LogEvent.Create(DateTimeOffset.UnixEpoch, LogLevel.Information, "App", "unwritable", new KeyValuePair<string, object?>("Value", new ThrowsWhenWritten())));

        Assert.Equal(["a", "b", "c"], received.Where(m => m != "unwritable")); // none twice
        Assert.Equal(4, statistics.Enqueued);
        Assert.Equal(4, statistics.Sent + statistics.Dropped); // each event once: sent, or dropped
        Assert.Equal(0, statistics.Pending);
        Assert.Contains(selfLog, line => line.Contains(nameof(ThrowsWhenWritten), StringComparison.Ordinal));
    }

    [Fact]
    public async Task WorkerThrowsOnAnEventItTakesOff_WhileAPartlyDeliveredSpooledBatchWaitsToRetry_EveryEventCountedOnceAndDeliveredOnce()
    {
        // The exception left the retry wait of the spooled batch: the worker's catch-all, then the batch read again from
        // disk as new events, its first event delivered and counted sent a second time, the faulty one never settled.
        var (statistics, received, selfLog) = await PartlyDeliveredFirstAsync(FaultsWhenTakenOff);

        Assert.Equal(["a", "b", "c"], received); // none twice
        Assert.Equal((4L, 3L, 1L, 0L), (statistics.Enqueued, statistics.Sent, statistics.Dropped, statistics.Pending));
        Assert.Contains(selfLog, line => line.Contains("Internal error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TakingOffTheQueueThrows_InASpooledBatchsRetryWait_TheStageSettlesWhatItTookAndTheBatchIsSentOnce()
    {
        // The worker's FillBatch throws after taking an event off (a RecordReader or queue bug: nothing real makes one,
        // so the stage's own fillBatch seam throws) while a spooled batch, 1 of its 3 delivered, waits to retry. The
        // exception left the wait: the batch was never acknowledged, read again from disk and its first event sent and
        // counted twice, and the event taken off stayed in flight for the books forever.
        using var directory = new TempDirectory();
        var selfLog = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var options = new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromMilliseconds(1), SelfLog = selfLog.Enqueue };
        var time = TimeProvider.System;
        var ledger = new DeliveryLedger();
        var log = new SelfLog(selfLog.Enqueue, time);
        var failures = new FailureReporter(log, time);
        var fills = 0;
        bool FillThatThrows(List<LogEvent> batch, bool drainAll)
        {
            if (Interlocked.Increment(ref fills) > 1)
            {
                return false; // the queue is empty after the faulty event
            }

            batch.Add(Event("taken off"));
            ledger.TakeOff(1); // off the queue is in flight, as the worker's FillBatch counts it, whatever it throws
            throw new InvalidOperationException("a record that cannot be read");
        }

        var stage = new SpoolStage(directory.Path, options, LogIdentity.From(options), ledger, failures, log, new ThreadedTimer(options.Interval, time), FillThatThrows);
        stage.Open();
        List<LogEvent> spooled = [Event("a"), Event("b"), Event("c")];
        ledger.TakeOff(spooled.Count);
        Assert.True(stage.TrySpool(spooled));
        stage.Sync();

        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var sends = 0;
        var sink = new CollectingSink
        {
            Decide = batch =>
            {
                var first = Interlocked.Increment(ref sends) == 1;
                batch.Events.Take(first ? 1 : batch.Events.Count).ToList().ForEach(e => received.Enqueue(e.Message));
                return first ? new SendResult(SendOutcome.Transient, Completed: 1, Error: "503 after the first") : SendResult.Success;
            },
        }.Open();
        var delivery = new BatchDelivery(sink, new Backoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1)), ledger, failures, log, stage.WaitBeforeRetryAsync);

        await stage.DeliverSpooledAsync(delivery, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await stage.DeliverSpooledAsync(delivery, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)); // nothing left to read again
        stage.Close();

        Assert.Equal(["a", "b", "c"], received); // none twice
        Assert.Equal((3L, 1L, 0L, 0L), (ledger.Sent, ledger.Dropped, ledger.Spooled, ledger.InFlight));
        Assert.Single(selfLog, line => line.Contains("Internal error: System.InvalidOperationException: a record that cannot be read", StringComparison.Ordinal));
    }

    private static LogEvent Event(string message) => LogEvent.Create(DateTimeOffset.UnixEpoch, LogLevel.Information, "App", message);

    /// <summary>
    /// A handler with a spool logs a, b and c, and flushes twice: the first send (of the spooled batch) delivers a alone
    /// and fails (503, retried), having queued <paramref name="fault"/>'s event, which the retry's wait moves to the spool;
    /// each later send delivers all it carries. Returns the handler's statistics after the flushes, what the receiver took
    /// (the partial send's first event too), and the self-log.
    /// </summary>
    private static async Task<(ThreadedHandlerStatistics Statistics, List<string> Received, System.Collections.Concurrent.ConcurrentQueue<string> SelfLog)> PartlyDeliveredFirstAsync(Func<LogEvent> fault)
    {
        using var directory = new TempDirectory();
        var selfLog = new System.Collections.Concurrent.ConcurrentQueue<string>();
        ThreadedHandler? handler = null;
        var sends = 0;
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var sink = new CollectingSink
        {
            Decide = batch =>
            {
                if (Interlocked.Increment(ref sends) > 1)
                {
                    batch.Events.ToList().ForEach(e => received.Enqueue(e.Message));
                    return SendResult.Success;
                }

                received.Enqueue(batch.Events[0].Message);
                handler!.Queue.Enqueue(fault());
                return new SendResult(SendOutcome.Transient, Completed: 1, Error: "503 after the first");
            },
        }.Open();
        handler = new ThreadedHandler(sink, new ThreadedHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            BufferDirectory = directory.Path,
            Interval = TimeSpan.FromHours(1),
            MinRetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(20),
            SelfLog = selfLog.Enqueue,
        });
        await using (handler)
        {
            var logger = handler.CreateLogger("App");
            logger.LogInformation("a");
            logger.LogInformation("b");
            logger.LogInformation("c");
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30))); // the event queued during the first flush too
            return (handler.Statistics, [.. received], selfLog);
        }
    }

    /// <summary>
    /// An event the worker throws on when it takes it off the queue: the redaction of a destructured value's password
    /// writes the value's text again, and another member's text throws. A fault of the pipeline's own that no log call
    /// makes (the call freezes members to plain values), injected as an event captured before.
    /// </summary>
    internal static LogEvent FaultsWhenTakenOff() =>
        LogEvent.Create(DateTimeOffset.UnixEpoch, LogLevel.Information, "App", "faulty", new KeyValuePair<string, object?>(
            "Login", new DestructuredValue("Login", [new("Password", "hunter2"), new("Note", new ThrowsWhenWritten())])));

    /// <summary>A value whose text throws: what a bug of the pipeline's own writer looks like to the spool.</summary>
    private sealed class ThrowsWhenWritten
    {
        public override string ToString() => throw new InvalidOperationException(nameof(ThrowsWhenWritten) + " cannot be written");
    }
}
