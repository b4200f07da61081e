using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// Calls a record cannot hold (here: each with an exception) wait as objects in a table of 65,536 slots. When it is
/// full, <see cref="QueueFullMode.Wait"/> waits for the worker as it does for a full queue; the default mode drops
/// and counts. Both while the transport holds its first batch, so the table fills whatever the machine's speed.
/// </summary>
public sealed class ObjectTableFullTests
{
    private const int TableSlots = 64 * 1024;
    private const int Extra = 10;

    [Fact]
    public async Task Log_ObjectTableFullInWaitMode_CallerWaitsThenEveryEventIsDeliveredInOrder()
    {
        var sink = new CollectingSink();
        await using var handler = new ThreadedHandler(sink, Options(QueueFullMode.Wait));
        var logger = handler.CreateLogger("App");
        await HoldFirstBatchAsync(logger, sink);

        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        handler.Queue.WaitingForRoom = () => waiting.TrySetResult();
        var writer = Task.Run(() => LogObjects(logger, TableSlots + Extra));
        await Task.WhenAny(waiting.Task, writer).WaitAsync(TimeSpan.FromSeconds(60)); // a bound on a hang, not a timing
        Assert.False(writer.IsCompleted); // the 65,537th object has no slot while the transport holds: the writer waits
        Assert.True(waiting.Task.IsCompleted);
        Assert.Equal(0, handler.Statistics.Dropped);

        sink.Open();
        await writer.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(handler.Flush(TimeSpan.FromSeconds(60)));

        var delivered = sink.Delivered;
        Assert.Equal(1 + TableSlots + Extra, delivered.Count);
        Assert.Equal(0, handler.Statistics.Dropped);
        for (var i = 0; i < TableSlots + Extra; i++)
        {
            Assert.Equal(i, delivered[i + 1].Properties.Single(p => p.Key == "N").Value);
        }
    }

    [Fact]
    public async Task Log_ObjectTableFullInDropMode_TheCallsPastItAreDroppedAndCounted()
    {
        var sink = new CollectingSink();
        await using var handler = new ThreadedHandler(sink, Options(QueueFullMode.DropNewest));
        var logger = handler.CreateLogger("App");
        await HoldFirstBatchAsync(logger, sink);

        LogObjects(logger, TableSlots + Extra); // never blocks
        Assert.Equal(Extra, handler.Statistics.Dropped);

        sink.Open();
        Assert.True(handler.Flush(TimeSpan.FromSeconds(60)));
        Assert.Equal(1 + TableSlots, sink.Delivered.Count);
        Assert.Equal(Extra, handler.Statistics.Dropped);

        // The notice says which limit dropped them: it said "the queue was full" alone, and an app that raised MaxQueueBytes
        // (128 MiB, far from full) still lost 86,262 and 107,282 of a burst of 300,000 {@Order} calls (seen adopting the client).
        var notice = Assert.Single(sink.Notices);
        Assert.Contains(
            $"dropped {Extra} events between ",
            notice.Message,
            StringComparison.Ordinal);
        Assert.EndsWith(
            $": the queue was full; {Extra} of them were calls kept as objects (with an exception, or a value other than text, a number, bool, date, time span or guid, such as {{@Order}}), past the 65,536 the queue holds at once whatever MaxQueueBytes (FullMode Wait waits for room instead)",
            notice.Message,
            StringComparison.Ordinal);
    }

    private static ThreadedHandlerOptions Options(QueueFullMode mode) => new()
    {
        CaptureUnhandledExceptions = false,
        Interval = TimeSpan.FromHours(1), // only explicit triggers
        BatchSize = 1, // the worker takes one event and holds it in the transport: no other is taken off the queue
        FullMode = mode,
        MaxQueueBytes = 1024L * 1024 * 1024, // the table, not the bytes, is what fills
    };

    private static async Task HoldFirstBatchAsync(ILogger logger, CollectingSink sink)
    {
        logger.LogInformation("first");
        await sink.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static void LogObjects(ILogger logger, int count)
    {
        var error = new InvalidOperationException("kept as an object");
        for (var i = 0; i < count; i++)
        {
            logger.LogError(error, "failed {N}", i);
        }
    }
}
