using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// An app that ends without disposing its handler — <c>Environment.Exit</c>, or an unhandled exception, where .NET
/// raises no ProcessExit — as a real process (<c>tests/ThreadedLogging.FaultClient</c>) logging into the real
/// collector: what it logged last, often what says why it ended, must arrive.
/// </summary>
public sealed class ProcessEndTests
{
    [Theory]
    [InlineData("--exit")]
    [InlineData("--crash")]
    public async Task ProcessEnds_HandlerNotDisposed_QueuedEventsDelivered(string how)
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();
        var user = "ending" + how;

        await using (var app = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", collector.Host, user, "0", "50", how))
        {
            Assert.NotEqual(0, await app.WaitForExitAsync());
        }

        Assert.Equal(Enumerable.Range(0, 50).Select(n => (long)n), await collector.EventNumbersAsync(user));
    }

    [Fact]
    public async Task ProcessExit_AppsOwnHandlerLogsAfterTheExitFlush_LateEventsDelivered()
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();

        // The app's own ProcessExit handler, registered after the handler was made, runs after its exit flush.
        await using (var app = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", collector.Host, "late", "0", "50", "--late"))
        {
            Assert.Equal(3, await app.WaitForExitAsync());
        }

        Assert.Equal(Enumerable.Range(0, 55).Select(n => (long)n), await collector.EventNumbersAsync("late"));
    }

    [Fact]
    public async Task ProcessExit_LateEventsAndNoCollector_ReportedNotSilentlyLost()
    {
        var nowhere = new CollectorProcess(); // a free port, never started: every send fails until the exit budget is spent

        await using var app = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", nowhere.Host, "late", "0", "50", "--late");
        Assert.Equal(3, await app.WaitForExitAsync());
        Assert.Contains(app.Output, line => line.Contains("could not be delivered within the exit budget", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProcessExit_LateEventsReportedLostThenHostDisposesWithoutCollector_EachLostEventReportedOnce()
    {
        var nowhere = new CollectorProcess(); // a free port, never started

        await using var app = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", nowhere.Host, "late-lost", "0", "50", "--late-dispose");
        await app.WaitForLineAsync("late-logged");
        await app.WriteLineAsync("go");
        var disposed = await app.WaitForLineAsync("disposed ThreadedHandlerStatistics");

        Assert.Equal(3, await app.WaitForExitAsync());
        Assert.Contains("Sent = 0, Dropped = 55,", disposed, StringComparison.Ordinal); // each event once: dropped (lost)
        Assert.Single(app.Output, line => line.Contains("55 events were not delivered before the shutdown deadline", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Output, line => line.Contains("delivered after all", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProcessExit_LateEventsReportedLostThenDeliveredByTheHostsDisposal_ReportedDeliveredAfterAll()
    {
        await using var collector = new CollectorProcess(); // not reachable while the process exits, started before the disposal

        await using var app = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", collector.Host, "late-then-sent", "0", "50", "--late-dispose");
        await app.WaitForLineAsync("late-logged");
        await collector.StartAsync();
        await app.WriteLineAsync("go");
        var disposed = await app.WaitForLineAsync("disposed ThreadedHandlerStatistics");

        Assert.Equal(3, await app.WaitForExitAsync());
        Assert.Equal(Enumerable.Range(0, 55).Select(n => (long)n), await collector.EventNumbersAsync("late-then-sent"));
        Assert.Contains("Sent = 55, Dropped = 0,", disposed, StringComparison.Ordinal);
        // The late events were reported lost as the process exited; the disposal delivered them and says so (before: nothing).
        Assert.Single(app.Output, line => line.Contains("5 events logged while the process exited, reported lost then, were delivered after all", StringComparison.Ordinal));
    }
}
