using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Testing;
using ThreadedLogging.Tests.Diagnostics;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// A record the worker cannot read back (its decoding throws: a bug of ours, or memory running out while its strings
/// are made) is skipped and dropped alone, counted and said once; it must not hold back every event after it, which
/// then never left the queue and no flush completed.
/// </summary>
public sealed class UnreadableRecordTests
{
    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, true)] // events read into reused objects; memory ran out while one was read
    [InlineData(false, true, false)] // through the spool
    public async Task Dequeue_DecodingThrowsForOneRecord_OthersDeliveredOnceInOrderAndTheOneDroppedOnce(bool pooled, bool spooled, bool outOfMemory)
    {
        var fault = $"a record that cannot be read {Guid.NewGuid():N}";
        using var listener = new EventSourceTests.Listener();
        using var directory = new TempDirectory();
        var selfLog = new ConcurrentQueue<string>();
        var sink = new MessageSink();
        ILogBatchSink chosen = pooled ? sink : new PlainSink(sink);
        var handler = new ThreadedHandler(chosen, new ThreadedHandlerOptions
        {
            Interval = TimeSpan.FromHours(1), // one batch, at the flush: the faulty record is in the middle of it
            BufferDirectory = spooled ? directory.Path : null,
            CaptureUnhandledExceptions = false,
            SelfLog = selfLog.Enqueue,
        });
        await using (handler)
        {
            Assert.Equal(pooled, handler.PoolsEvents);
            var faults = 0;
            handler.Queue.DecodeFault = e =>
            {
                if (e.Message == "poison")
                {
                    Interlocked.Increment(ref faults);
                    throw outOfMemory ? new OutOfMemoryException(fault) : new InvalidOperationException(fault);
                }
            };
            var logger = handler.CreateLogger("App");
            foreach (var message in new[] { "before 1", "before 2", "poison", "after 1", "after 2" })
            {
                logger.LogInformation(message);
            }

            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
            logger.LogInformation("later"); // the worker goes on with the next batch too
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));

            Assert.Equal(1, faults); // read once, never again
            Assert.Equal(["before 1", "before 2", "after 1", "after 2", "later"], sink.Messages);
            var statistics = handler.Statistics;
            Assert.Equal((6L, 5L, 1L, 0L), (statistics.Enqueued, statistics.Sent, statistics.Dropped, statistics.Pending));
            Assert.Contains(fault, statistics.LastError, StringComparison.Ordinal);
        }

        Assert.Single(selfLog, line => line.Contains(fault, StringComparison.Ordinal));
        Assert.Single(selfLog, line => line.Contains("ThreadedLogging: 1 event could not be read from the queue and was dropped (skipped; the events after it go on)", StringComparison.Ordinal));
        var reported = listener.Events.Where(e => e.EventSource.Name == "ThreadedLogging" && e.Payload!.OfType<string>().Any(p => p.Contains(fault, StringComparison.Ordinal))).ToList();
        var report = Assert.Single(reported);
        Assert.Equal((ThreadedLoggingEventSource.EventsUnreadableId, 1), (report.EventId, (int)report.Payload![0]!));
    }

    /// <summary>Keeps the messages of what it is sent, copied (it <see cref="ICopiesEvents"/>: the handler reuses its events).</summary>
    private sealed class MessageSink : ILogBatchSink, ICopiesEvents
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => [.. _messages];

        public ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken)
        {
            foreach (var e in batch.Events.Where(e => e.Category != QueueDrops.OwnCategory))
            {
                _messages.Enqueue(e.Message);
            }

            return ValueTask.FromResult(SendResult.Success);
        }
    }

    /// <summary>The same sink, without <see cref="ICopiesEvents"/>: the handler reads each record into a new event.</summary>
    private sealed class PlainSink(MessageSink inner) : ILogBatchSink
    {
        public ValueTask<SendResult> SendAsync(LogBatch batch, CancellationToken cancellationToken) => inner.SendAsync(batch, cancellationToken);
    }
}
