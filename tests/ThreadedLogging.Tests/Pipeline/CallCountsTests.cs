using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// The calls a queue took are counted per thread, without an atomic per call (<c>CallCounts</c>): the sum stays exact
/// and never goes back when threads end (their slots are folded into the totals), when one thread logs into more
/// handlers than it keeps slots for at hand, and while a reader sums as threads log and end.
/// </summary>
public sealed class CallCountsTests
{
    private static ThreadedHandlerOptions Options() => new()
    {
        CaptureUnhandledExceptions = false,
        Interval = TimeSpan.FromHours(1), // nothing is sent but what a test flushes
    };

    [Fact]
    public void Enqueued_ThreadsThatLoggedAndEnded_EveryCallCountedAndTheirSlotsFolded()
    {
        var sink = new CollectingSink().Open();
        using var handler = new ThreadedHandler(sink, Options());
        var logger = handler.CreateLogger("Counts");
        const int Threads = 12, PerThread = 250;
        for (var t = 0; t < Threads; t++)
        {
            var thread = new Thread(() =>
            {
                for (var n = 0; n < PerThread; n++)
                {
                    logger.LogInformation("Call {N}", n);
                }
            });
            thread.Start();
            thread.Join();

            // Every thread so far has ended: the next one to register folds them, so one slot (the last thread's) is left.
            Assert.Equal((t + 1) * PerThread, handler.Statistics.Enqueued);
            Assert.Equal(1, handler.Queue.Counts.Slots);
        }

        logger.LogInformation("From the test's thread");
        Assert.Equal((Threads * PerThread) + 1, handler.Statistics.Enqueued);
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal((Threads * PerThread) + 1, sink.Delivered.Count);
        Assert.Equal(0, handler.Statistics.Dropped);
    }

    [Fact]
    public void Enqueued_OneThreadLoggingIntoSevenHandlersInTurn_EachHandlerCountsItsOwnCallsExactly()
    {
        // More handlers than a thread keeps count slots at hand for (the last one and four more): each call finds its
        // own handler's slot, by the few it keeps or by the handler's own list, never another handler's.
        var sinks = Enumerable.Range(0, 7).Select(_ => new CollectingSink().Open()).ToList();
        var handlers = sinks.Select(sink => new ThreadedHandler(sink, Options())).ToList();
        try
        {
            var loggers = handlers.Select(h => h.CreateLogger("Counts")).ToList();
            for (var round = 0; round < 40; round++)
            {
                for (var h = 0; h < loggers.Count; h++)
                {
                    for (var n = 0; n <= h; n++)
                    {
                        loggers[h].LogInformation("Handler {H} round {Round}", h, round);
                    }
                }

                // And now and then in another order, so that the slots kept at hand are replaced.
                loggers[round % 7].LogInformation("Handler {H} round {Round}", round % 7, round);
            }

            for (var h = 0; h < handlers.Count; h++)
            {
                var expected = (40 * (h + 1)) + Enumerable.Range(0, 40).Count(round => round % 7 == h);
                Assert.Equal(expected, handlers[h].Statistics.Enqueued);
                Assert.True(handlers[h].Flush(TimeSpan.FromSeconds(30)));
                Assert.Equal(expected, sinks[h].Delivered.Count);
                Assert.All(sinks[h].Delivered, e => Assert.Equal(h, e.Properties[0].Value));
            }
        }
        finally
        {
            handlers.ForEach(h => h.Dispose());
        }
    }

    [Fact]
    public void Enqueued_ReadWhileThreadsLogAndEnd_NeverGoesBackAndEndsExact()
    {
        var sink = new CollectingSink().Open();
        using var handler = new ThreadedHandler(sink, Options());
        var logger = handler.CreateLogger("Counts");
        const int Waves = 20, PerWave = 4, PerThread = 500;
        using var done = new CancellationTokenSource();
        var backwards = new List<(long Before, long After)>();
        var reader = new Thread(() =>
        {
            var last = 0L;
            while (!done.IsCancellationRequested)
            {
                var now = handler.Statistics.Enqueued;
                if (now < last)
                {
                    backwards.Add((last, now));
                }

                last = now;
            }
        });
        reader.Start();

        // Waves of short-lived threads: each wave's threads register while the last wave's have ended (folded then),
        // and the reader sums all along.
        for (var wave = 0; wave < Waves; wave++)
        {
            var threads = Enumerable.Range(0, PerWave).Select(_ => new Thread(() =>
            {
                for (var n = 0; n < PerThread; n++)
                {
                    logger.LogInformation("Call {N}", n);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        }

        done.Cancel();
        reader.Join();
        Assert.Empty(backwards);
        Assert.Equal(Waves * PerWave * PerThread, handler.Statistics.Enqueued);
        Assert.True(handler.Queue.Counts.Slots <= PerWave + 1, $"{handler.Queue.Counts.Slots} slots: the ended threads' are folded");
        Assert.True(handler.Flush(TimeSpan.FromSeconds(60)));
        Assert.Equal(Waves * PerWave * PerThread, sink.Delivered.Count);
    }

    [Fact]
    public void Log_QueueCapacityReachedByCountNotBytes_RefusesExactlyThePastCapacityCalls()
    {
        // A capacity far below what the bytes hold: the count decides, and it is summed over the threads' slots.
        var sink = new CollectingSink().Open(); // nothing leaves the queue before the flush: no full batch, no interval
        var options = Options();
        options.QueueCapacity = 300;
        options.BatchSize = 1000;
        using var handler = new ThreadedHandler(sink, options);
        var logger = handler.CreateLogger("Counts");
        var first = new Thread(() =>
        {
            for (var n = 0; n < 200; n++)
            {
                logger.LogInformation("First {N}", n);
            }
        });
        first.Start();
        first.Join();
        for (var n = 0; n < 200; n++)
        {
            logger.LogInformation("Second {N}", n);
        }

        var statistics = handler.Statistics;
        Assert.Equal(300, statistics.Enqueued);
        Assert.Equal(100, statistics.Dropped);
        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(300, sink.Delivered.Count);
    }
}
