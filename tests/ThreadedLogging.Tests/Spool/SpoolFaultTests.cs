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
        using var directory = new TempDirectory();
        var selfLog = new System.Collections.Concurrent.ConcurrentQueue<string>();
        ThreadedHandler? handler = null;
        var sends = 0;
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>(); // what the receiver took, the partial send's first event too
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

                // The first send delivers 1 of 3; before its retry, an event the spool's writer throws on is queued:
                // the retry's wait moves it to the spool, and the writer throws there (no IOException: no failing disk).
                handler!.Queue.Enqueue(LogEvent.Create(DateTimeOffset.UnixEpoch, LogLevel.Information, "App", "unwritable", new KeyValuePair<string, object?>("Value", new ThrowsWhenWritten())));
                return new SendResult(SendOutcome.Transient, Completed: 1, Error: "503 after the first");
            },
        }.Open();
        handler = new ThreadedHandler(sink, new ThreadedHandlerOptions
        {
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

            var statistics = handler.Statistics;
            Assert.Equal(["a", "b", "c"], received.Where(m => m != "unwritable")); // none twice
            Assert.Equal(4, statistics.Enqueued);
            Assert.Equal(4, statistics.Sent + statistics.Dropped); // each event once: sent, or dropped
            Assert.Equal(0, statistics.Pending);
            Assert.Contains(selfLog, line => line.Contains(nameof(ThrowsWhenWritten), StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task WorkerThrowsOnAnEventItTakesOff_WhileAPartlyDeliveredSpooledBatchWaitsToRetry_EveryEventCountedOnceAndDeliveredOnce()
    {
        // The exception left the retry wait of the spooled batch: the worker's catch-all, then the batch read again from
        // disk as new events, its first event delivered and counted sent a second time, the faulty one never settled.
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
                handler!.Queue.Enqueue(FaultsWhenTakenOff());
                return new SendResult(SendOutcome.Transient, Completed: 1, Error: "503 after the first");
            },
        }.Open();
        handler = new ThreadedHandler(sink, new ThreadedHandlerOptions
        {
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

            var statistics = handler.Statistics;
            Assert.Equal(["a", "b", "c"], received); // none twice
            Assert.Equal((4L, 3L, 1L, 0L), (statistics.Enqueued, statistics.Sent, statistics.Dropped, statistics.Pending));
            Assert.Contains(selfLog, line => line.Contains("Internal error", StringComparison.Ordinal));
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
