using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// <see cref="ThreadedHandlerStatistics.Pending"/> is one consistent read while the worker moves events from the queue
/// into flight: with no log call meanwhile, it only goes down as events are sent. A read torn between the queue's count
/// and the in-flight count (a batch in both, or in neither) would go up again at the next read.
/// </summary>
public sealed class StatisticsPendingTests
{
    private const int Logged = 100_000;

    [Fact]
    public async Task Pending_ReadWhileTheWorkerDrains_NeverGoesUp()
    {
        var sink = new CollectingSink(); // holds the first send until opened: everything is logged before the drain
        await using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            BatchSize = 1, // a move from the queue into flight for every event
            Interval = TimeSpan.FromHours(1),
            MaxQueueBytes = 64 * 1024 * 1024,
        });
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < Logged; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        var flushed = handler.FlushAsync();
        await sink.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Logged, handler.Statistics.Pending);

        sink.Open();
        var readings = new List<long>();
        while (!flushed.IsCompleted)
        {
            readings.Add(handler.Statistics.Pending);
        }

        Assert.True(await flushed);
        readings.Add(handler.Statistics.Pending);
        var rises = readings.Zip(readings.Skip(1)).Where(p => p.Second > p.First).Take(5).ToList();
        Assert.True(rises.Count == 0, $"Pending went up with no log call: {string.Join(", ", rises)} (of {readings.Count} reads)");
        Assert.Equal(0, readings[^1]);
        Assert.Equal(Logged, handler.Statistics.Sent);
    }
}
