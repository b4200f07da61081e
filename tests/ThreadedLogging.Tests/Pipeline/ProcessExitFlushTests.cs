using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Testing;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// The exit of a process that did not dispose its handler (<see cref="ProcessExitFlush"/>), driven in this process: the
/// test begins the exit with a budget no machine reaches and spends it when it chooses (<see cref="ProcessExitFlush.SpendExitBudget"/>),
/// so what is delivered depends on the sink's gate, never on speed. The real exit, in a child process: Delivery's ProcessEndTests.
/// </summary>
public sealed class ProcessExitFlushTests
{
    private static readonly TimeSpan Unreached = TimeSpan.FromMinutes(2);

    private static ThreadedHandlerOptions Options(ConcurrentQueue<string> selfLog, Action<ThreadedHandlerOptions>? configure = null)
    {
        var options = new ThreadedHandlerOptions
        {
            Interval = TimeSpan.FromHours(1), // only the exit and the test wake the worker
            MinRetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(20),
            SelfLog = selfLog.Enqueue,
        };
        configure?.Invoke(options);
        return options;
    }

    [Fact]
    public async Task Exit_BudgetSpentWithEventsInMemory_OneLineAndCountedDroppedUntilDeliveredAfterAll()
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
        var atExit = handler.Statistics; // the process may end now: they are lost, not pending
        Assert.Equal((30L, 0L, 30L, 0L), (atExit.Enqueued, atExit.Sent, atExit.Dropped, atExit.Pending));

        // The process did not end after all (a host disposes later): the worker delivers them, and they are no longer counted lost.
        sink.Open();
        Assert.True(await handler.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token));
        var delivered = handler.Statistics;
        Assert.Equal((30L, 30L, 0L, 0L), (delivered.Enqueued, delivered.Sent, delivered.Dropped, delivered.Pending));

        await handler.DisposeAsync();
        Assert.Single(selfLog, l => l.Contains("30 events reported lost while the process exited were delivered after all", StringComparison.Ordinal));
        Assert.DoesNotContain(selfLog, l => l.Contains("before the shutdown deadline", StringComparison.Ordinal));
        Assert.Equal((30L, 0L, 0L), (handler.Statistics.Sent, handler.Statistics.Dropped, handler.Statistics.Pending));
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
}
