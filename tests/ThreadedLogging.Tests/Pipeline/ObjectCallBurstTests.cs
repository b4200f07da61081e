using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// Calls a record cannot hold (an exception, <c>{@Order}</c>) wait as objects in a table whose size follows the queue's
/// bytes: it was a fixed 65,536 slots, and a burst of 300,000 <c>{@Order}</c> calls at the defaults lost about a
/// third of them with <see cref="ThreadedHandlerOptions.MaxQueueBytes"/> far from full (seen adopting the client). All
/// while the transport holds its first batch, so the queue fills whatever the machine's speed.
/// </summary>
public sealed class ObjectCallBurstTests
{
    private const int OldTableSlots = 64 * 1024;

    // A bound against a hang, not a speed check: delivering some 200,000 object calls on a machine shared by several test
    // runs (2 cores, load 55) took longer than the 60 s these flushes had (…PastMaxQueueBytes_TheRest… failed so).
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Log_MoreObjectCallsThanTheOldTableUnderMaxQueueBytes_NoneDroppedAllDeliveredInOrder(bool order)
    {
        const int calls = OldTableSlots + 10_000;
        var sink = new CollectingSink();
        await using var handler = new ThreadedHandler(sink, Options(QueueFullMode.DropNewest, 1024L * 1024 * 1024));
        var logger = handler.CreateLogger("App");
        await HoldFirstBatchAsync(logger, sink);

        LogObjects(logger, calls, order); // never blocks
        Assert.Equal(0, handler.Statistics.Dropped);
        Assert.Equal(1 + calls, handler.Statistics.Enqueued);

        sink.Open();
        Assert.True(handler.Flush(Hang));
        AssertDeliveredInOrder(sink.Delivered, calls);
        Assert.Equal(0, handler.Statistics.Dropped);
        Assert.Empty(sink.Notices);
    }

    [Fact]
    public async Task Log_ObjectCallsPastMaxQueueBytes_TheRestAreDroppedAndCountedAsAFullQueue()
    {
        const long maxQueueBytes = 256L * 1024 * 1024; // some 200,000 of these objects (charged ~1.3 KiB each): past 65,536
        const int calls = 400_000;
        var sink = new CollectingSink();
        await using var handler = new ThreadedHandler(sink, Options(QueueFullMode.DropNewest, maxQueueBytes));
        var logger = handler.CreateLogger("App");
        await HoldFirstBatchAsync(logger, sink);

        LogObjects(logger, calls, order: false); // never blocks
        var held = handler.Statistics;
        Assert.Equal(1 + calls, held.Enqueued + held.Dropped);
        Assert.InRange(held.Enqueued, OldTableSlots + 2, calls - 1); // the bytes filled, not a table of 65,536
        Assert.InRange(handler.Queue.Bytes, maxQueueBytes - (64 * 1024), maxQueueBytes);

        sink.Open();
        Assert.True(handler.Flush(Hang));
        var delivered = sink.Delivered;
        Assert.Equal(held.Enqueued, delivered.Count);
        Assert.Equal(held.Dropped, handler.Statistics.Dropped);
        AssertDeliveredInOrder(delivered, delivered.Count - 1); // the first calls, in order; the rest dropped

        var notice = Assert.Single(sink.Notices);
        Assert.Equal(held.Dropped, notice.Properties.Single(p => p.Key == "DroppedCount").Value);
        Assert.EndsWith(": the queue was full", notice.Message, StringComparison.Ordinal); // its bytes, not a table of objects
    }

    [Fact]
    public async Task Log_ObjectCallsPastMaxQueueBytesInWaitMode_CallerWaitsThenEveryEventIsDeliveredInOrder()
    {
        const int calls = 20_000; // 1 MiB holds some 800 of these object records (~1.3 KiB each)
        var sink = new CollectingSink();
        await using var handler = new ThreadedHandler(sink, Options(QueueFullMode.Wait, 1024 * 1024));
        var logger = handler.CreateLogger("App");
        await HoldFirstBatchAsync(logger, sink);

        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        handler.Queue.WaitingForRoom = () => waiting.TrySetResult();
        var writer = Task.Run(() => LogObjects(logger, calls, order: false));
        await Task.WhenAny(waiting.Task, writer).WaitAsync(TimeSpan.FromSeconds(60)); // a bound on a hang, not a timing
        Assert.False(writer.IsCompleted); // the queue's bytes are full while the transport holds: the writer waits
        Assert.True(waiting.Task.IsCompleted);
        Assert.Equal(0, handler.Statistics.Dropped);

        sink.Open();
        await writer.WaitAsync(Hang);
        Assert.True(handler.Flush(Hang));
        AssertDeliveredInOrder(sink.Delivered, calls);
        Assert.Equal(0, handler.Statistics.Dropped);
    }

    [Theory]
    [InlineData(false, EventCapture.ExceptionBytes)]
    [InlineData(true, EventCapture.ObjectTreeBytes)]
    public async Task Log_ObjectCall_ChargesTheQueueAboutTheHeapItHolds(bool order, int atLeast)
    {
        // MaxQueueBytes is the bound of what a queue holds, objects too: charged 240 B (an exception) and 320 B
        // ({@Order}) where they held 1,097 and 2,990 B of heap (measured by the review of 6ea8669), 150,000 such calls
        // at the default 128 MiB held 0.6-1.2 GB.
        var sink = new CollectingSink();
        await using var handler = new ThreadedHandler(sink, Options(QueueFullMode.DropNewest, 1024L * 1024 * 1024));
        var logger = handler.CreateLogger("App");
        await HoldFirstBatchAsync(logger, sink);
        var before = handler.Queue.Bytes;

        LogObjects(logger, 100, order);

        Assert.Equal(0, handler.Statistics.Dropped);
        Assert.InRange((handler.Queue.Bytes - before) / 100, atLeast, 4096);
        sink.Open();
    }

    private static ThreadedHandlerOptions Options(QueueFullMode mode, long maxQueueBytes) => new()
    {
        CaptureUnhandledExceptions = false,
        Interval = TimeSpan.FromHours(1), // only explicit triggers
        BatchSize = 1, // the worker takes one event and holds it in the transport: no other is taken off the queue
        FullMode = mode,
        MaxQueueBytes = maxQueueBytes,
    };

    private static async Task HoldFirstBatchAsync(ILogger logger, CollectingSink sink)
    {
        logger.LogInformation("first");
        await sink.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static void LogObjects(ILogger logger, int count, bool order)
    {
        var error = new InvalidOperationException("kept as an object");
        for (var i = 0; i < count; i++)
        {
            if (order)
            {
                logger.LogInformation("placed {N} {@Order}", i, new Order(i, "alice"));
            }
            else
            {
                logger.LogError(error, "failed {N}", i);
            }
        }
    }

    /// <summary>The first event is the one the transport held; then calls 0..<paramref name="calls"/>-1 in call order.</summary>
    private static void AssertDeliveredInOrder(IReadOnlyList<LogEvent> delivered, int calls)
    {
        Assert.Equal(1 + calls, delivered.Count);
        for (var i = 0; i < calls; i++)
        {
            Assert.Equal(i, delivered[i + 1].Properties.Single(p => p.Key == "N").Value);
        }
    }

    private sealed record Order(int Id, string Customer);
}
