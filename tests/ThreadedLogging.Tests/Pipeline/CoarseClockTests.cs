using ThreadedLogging.Testing;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// <see cref="ThreadedHandlerOptions.CoarseTimestamps"/>: each thread reads the precise clock once per coarse tick and
/// stamps its calls within that tick with it (NLog's FastLocal), so that the log call skips the precise read.
/// </summary>
public sealed class CoarseClockTests
{
    [Fact]
    public void Read_PreciseClockReadOncePerTick_CallsWithinTheTickGetItsTime()
    {
        var reads = 0;
        var now = new DateTimeOffset(2026, 12, 6, 7, 0, 0, TimeSpan.Zero);
        DateTimeOffset Precise()
        {
            reads++;
            now = now.AddTicks(1234);
            return now;
        }

        CoarseClock.Reading last = default;
        var first = CoarseClock.Read(ref last, 0, Precise); // tick 0 on a fresh thread: read, though the tick equals the default's
        Assert.Equal(1, reads);
        Assert.Equal(first, CoarseClock.Read(ref last, 0, Precise));
        Assert.Equal(first, CoarseClock.Read(ref last, 0, Precise));
        Assert.Equal(1, reads);

        var second = CoarseClock.Read(ref last, 4, Precise);
        Assert.Equal(2, reads);
        Assert.True(second > first);
        Assert.Equal(second, CoarseClock.Read(ref last, 4, Precise));
        Assert.Equal(2, reads);
    }

    [Fact]
    public void Handler_CoarseTimestampsWithTheAppsTimeProvider_ReadsThatProvider()
    {
        var time = new WatchedTime(new DateTimeOffset(2026, 12, 6, 7, 0, 0, TimeSpan.Zero));
        var sink = new CollectingSink();
        using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CoarseTimestamps = true, TimeProvider = time, CaptureUnhandledExceptions = false });
        Assert.Equal(time.GetUtcNow(), handler.CallTime());
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(time.GetUtcNow(), handler.CallTime()); // a fake clock is read at every call: tests see their own time
    }

    [Fact]
    public void Handler_CoarseTimestamps_CallTimesNeverGoBackAndComeFromTheSystemClock()
    {
        var sink = new CollectingSink();
        using var handler = new ThreadedHandler(sink, new ThreadedHandlerOptions { CoarseTimestamps = true, CaptureUnhandledExceptions = false });
        var times = new List<DateTimeOffset>();
        for (var i = 0; i < 10_000; i++)
        {
            times.Add(handler.CallTime());
        }

        var after = TimeProvider.System.GetUtcNow();
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.First <= pair.Second));
        Assert.True(times[^1] <= after);
        Assert.True(times.Distinct().Count() < times.Count, "calls within one tick share its time"); // 10,000 calls span far fewer ticks
    }
}
