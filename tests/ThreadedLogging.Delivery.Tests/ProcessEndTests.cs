using ThreadedLogging.Testing;
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

        // The exit flush's budget is ShutdownTimeout (5 s by default): on a loaded machine a cold child process and a cold
        // collector took longer than that to deliver the first batch (CI-like run with two busy loops: nothing stored). A
        // budget no machine reaches; the flush returns as soon as everything is delivered.
        await using var app = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", collector.Host, user, "0", "50", how, "--budget", ExitBudget);
        Assert.NotEqual(0, await app.WaitForExitAsync());

        AssertStored(Enumerable.Range(0, 50), await collector.EventNumbersAsync(user), app);
    }

    /// <summary>
    /// SIGTERM (a service manager, <c>docker stop</c>) or Ctrl+C in an app without the generic host: since .NET 10 the
    /// runtime raises no ProcessExit at a termination signal (it ends the process at once), so what is queued is lost
    /// unless the app registers for the signal, with README's lines. 20 events: under a batch, with an hour's
    /// interval, so nothing is sent before the signal.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Sigterm_QueuedEventsDeliveredOnlyWhenTheAppRegistersForIt(bool registered)
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();
        var user = registered ? "sigterm-registered" : "sigterm-plain";
        string[] args = [collector.Host, user, "0", "20", "--sigterm", "--budget", ExitBudget, .. registered ? ["--exit-on-sigterm"] : Array.Empty<string>()];
        await using var app = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", args);
        await app.WaitForLineAsync("waiting");

        app.Terminate();
        var exitCode = await app.WaitForExitAsync();

        if (registered)
        {
            Assert.Equal(0, exitCode); // Environment.Exit(0) in the app's handler
            AssertStored(Enumerable.Range(0, 20), await collector.EventNumbersAsync(user), app);
        }
        else
        {
            Assert.Equal(128 + 15, exitCode); // ended by the signal itself
            Assert.Empty(await collector.EventNumbersAsync(user));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task UnhandledException_OnThreads_StoredOnceAsCriticalWithTheExceptionAfterTheEventsBeforeIt(int threads)
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();
        var user = $"crash-{threads}";

        await using var app = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", collector.Host, user, "0", "50", "--crash", "--crash-threads", $"{threads}", "--budget", ExitBudget);
        Assert.NotEqual(0, await app.WaitForExitAsync());

        AssertStored(Enumerable.Range(0, 50), await collector.EventNumbersAsync(user), app);
        var events = await collector.EventsAsync(user);
        var crash = Assert.Single(events, e => e.GetProperty("category").GetString() == "System.AppDomain.UnhandledException");
        Assert.Equal("Critical", crash.GetProperty("level").GetString());
        Assert.Equal("Unhandled exception; the process is ending", crash.GetProperty("message").GetString());
        var exception = crash.GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.StartsWith("the app crashed on thread ", exception.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("Crash", exception.GetProperty("stackTrace").GetString(), StringComparison.Ordinal); // the throwing method's frame
        var inner = Assert.Single(exception.GetProperty("inner").EnumerateArray());
        Assert.Equal(("System.FormatException", "the inner cause"), (inner.GetProperty("type").GetString(), inner.GetProperty("message").GetString()));

        // Logged after the 50 (newest first): support reads what led to the crash just before it.
        Assert.True(crash.GetProperty("sequence").GetInt64() > events.Where(e => e.GetProperty("category").GetString() == "FaultClient").Max(e => e.GetProperty("sequence").GetInt64()));
    }

    [Fact]
    public async Task UnhandledException_CaptureOff_OnlyTheEventsBeforeItStored()
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();

        await using var app = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", collector.Host, "crash-off", "0", "50", "--crash", "--no-crash-capture", "--budget", ExitBudget);
        Assert.NotEqual(0, await app.WaitForExitAsync());

        AssertStored(Enumerable.Range(0, 50), await collector.EventNumbersAsync("crash-off"), app);
        Assert.Equal(50, (await collector.EventsAsync("crash-off")).Count);
    }

    [Fact]
    public async Task ProcessExit_AppsOwnHandlerLogsAfterTheExitFlush_LateEventsDelivered()
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();

        // The app's own ProcessExit handler, registered after the handler was made, runs after its exit flush.
        await using var app = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", collector.Host, "late", "0", "50", "--late", "--budget", ExitBudget);
        Assert.Equal(3, await app.WaitForExitAsync());

        AssertStored(Enumerable.Range(0, 55), await collector.EventNumbersAsync("late"), app);
    }

    /// <summary>
    /// An app with <c>BufferDirectory</c> that ends without disposing its handler (<c>Environment.Exit</c>) while the
    /// collector cannot be reached: the exit returns once everything logged is on disk and a send has just failed, not
    /// after the whole exit budget of retries (<c>ShutdownTimeout</c>, 10 min here: an exit that waits it out is failed by
    /// the test's own timeout; no duration is measured), and the next start sends every event once. Nothing listening
    /// (connection refused), or 429 for every request; the end beginning with the worker idle (it spools and sends then),
    /// or with sending failing already (the worker waiting out a 5-minute backoff: an app offline for a while); and an app
    /// whose own ProcessExit handler logs 5 more after the exit flush (<c>--late</c>): each such call returns once its
    /// event is on disk too, and the next start sends all 55.
    /// </summary>
    [Theory(Timeout = 150_000)]
    [InlineData(true, false, "--exit")]
    [InlineData(false, false, "--exit")]
    [InlineData(true, true, "--exit")]
    [InlineData(false, true, "--exit")]
    [InlineData(true, false, "--late")]
    public async Task ProcessExit_CollectorDownWithASpool_EndsWithoutWaitingOutTheBudget_NextStartSendsEachEventOnce(bool refused, bool failingAlready, string end)
    {
        var user = $"exit-offline-{refused}-{failingAlready}{end}";
        var logged = end == "--late" ? 55 : 50;
        var spool = Path.Combine(Path.GetTempPath(), "tl-spool-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var down = await FaultProxy.StartAsync(Nowhere))
            {
                down.Decide = _ => Fault.TooManyRequests;
                if (failingAlready)
                {
                    // The client waits what the 429 asks, the backoff's 5 minutes here: with 1 s, the next failed send's wait
                    // ended the exit as it began, and the row passed without the ticker's end of a wait under way (a6d7913).
                    down.RetryAfter = 300;
                }

                string[] args = [refused ? Nowhere : down.Host, user, "0", "50", spool, end, "--budget", "600", .. failingAlready ? ["--failing-first", "--retry-delay", "300"] : Array.Empty<string>()];
                await using var first = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", args);
                if (failingAlready)
                {
                    await first.WaitForLineAsync("failing");
                }

                // Before: the exit flush retried until its budget was spent (10 min); the test's Timeout failed it.
                Assert.Equal(3, await first.WaitForExitAsync(TimeSpan.FromMinutes(15)));
                var report = Assert.Single(first.Output, line => line.Contains("The process is exiting without disposing the handler", StringComparison.Ordinal));
                Assert.Contains("50 events were not delivered: sending failed (", report, StringComparison.Ordinal);
                Assert.Contains("they stay in the spool (BufferDirectory) for the next start", report, StringComparison.Ordinal);
                Assert.DoesNotContain(first.Output, line => line.Contains("lost unless", StringComparison.Ordinal) || line.Contains("could not be delivered", StringComparison.Ordinal));
            }

            await using var collector = new CollectorProcess();
            await collector.StartAsync();
            await using var next = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", collector.Host, user, "100", "0", spool);
            var done = await next.WaitForLineAsync("done");
            Assert.Contains("flushed=True", done, StringComparison.Ordinal);
            Assert.Contains($"Adopted = {logged},", done, StringComparison.Ordinal);
            Assert.Equal(0, await next.WaitForExitAsync());
            AssertStored(Enumerable.Range(0, logged), await collector.EventNumbersAsync(user), next);
        }
        finally
        {
            if (Directory.Exists(spool))
            {
                Directory.Delete(spool, recursive: true);
            }
        }
    }

    /// <summary>
    /// An app with <c>BufferDirectory</c> that ends without disposing its handler on a network that silently drops the
    /// connection attempt (<see cref="SynDroppingPort"/>: a listener whose accept queue is full, the kernel dropping each
    /// SYN): the exit returns once everything logged is on disk and the only send in flight stalls connecting, and says
    /// so; before, it waited for the connect's timeout (10 s; the request's own is 10 min here), then ended on the failed
    /// send ("sending failed (… ConnectTimeout …)"). Its ShutdownTimeout is 10 min: an exit that waits it out is failed by
    /// the test's own timeout; no duration is measured. With <c>--late</c> each of the 5 calls of the app's own ProcessExit
    /// handler returns once its event is on disk too. The next start sends every event once.
    /// </summary>
    /// <remarks>
    /// With <c>tls</c> the connect works and the TLS handshake is never answered (<see cref="SilentPort"/>: it accepts and
    /// never writes, no ServerHello): the same end, its line naming the handshake. Before, it waited for the connect's
    /// timeout (10 s, which covers the handshake) and ended on the failed send.
    /// </remarks>
    [Theory(Timeout = 150_000)]
    [InlineData("--exit", false)]
    [InlineData("--late", false)]
    [InlineData("--exit", true)]
    public async Task ProcessExit_ConnectStallsWithASpool_EndsWithoutWaitingForTheConnect_NextStartSendsEachEventOnce(string end, bool tls)
    {
        var user = $"exit-stalled{end}{(tls ? "-tls" : "")}";
        var logged = end == "--late" ? 55 : 50;
        using var spool = new TempDirectory();
        using (var dropping = new SynDroppingPort())
        using (var silent = new SilentPort())
        {
            var host = tls ? silent.Host : dropping.Host;
            await using var first = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", [host, user, "0", "50", spool.Path, end, "--budget", "600", "--request-timeout", "600", .. tls ? ["--secure"] : Array.Empty<string>()]);
            Assert.Equal(3, await first.WaitForExitAsync(TimeSpan.FromMinutes(15)));
            var report = Assert.Single(first.Output, line => line.Contains("The process is exiting without disposing the handler", StringComparison.Ordinal));
            var stalled = tls ? $"the TLS handshake with {host}" : $"connecting to {host}";
            Assert.Contains($"50 events were not delivered: sending failed ({stalled} has not completed within 1 s); they stay in the spool (BufferDirectory) for the next start", report, StringComparison.Ordinal);
            Assert.DoesNotContain(first.Output, line => line.Contains("lost unless", StringComparison.Ordinal) || line.Contains("could not be delivered", StringComparison.Ordinal));
        }

        await using var collector = new CollectorProcess();
        await collector.StartAsync();
        await using var next = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", collector.Host, user, "100", "0", spool.Path);
        var done = await next.WaitForLineAsync("done");
        Assert.Contains("flushed=True", done, StringComparison.Ordinal);
        Assert.Contains($"Adopted = {logged},", done, StringComparison.Ordinal);
        Assert.Equal(0, await next.WaitForExitAsync());
        AssertStored(Enumerable.Range(0, logged), await collector.EventNumbersAsync(user), next);
    }

    /// <summary>
    /// Where nothing listens, for the whole test: the discard port. A free port that nothing was started on (a
    /// <see cref="CollectorProcess"/> never started) is free for anyone: in the full parallel run another test's server
    /// bound to port 0 may be handed it while the child retries, and takes its events (the disposal then read "Sent = …"
    /// where it expected "Sent = 0, Dropped = 55"). Port 9 is below the range the system hands out for port 0.
    /// </summary>
    private const string Nowhere = "127.0.0.1:9";

    /// <summary>The exit budget of a child that is expected to deliver everything: a bound on a hang, not a speed (seconds; within WaitForExitAsync's 90).</summary>
    private const string ExitBudget = "60";

    private static void AssertStored(IEnumerable<int> expected, IReadOnlyList<long> stored, ChildProcess app) =>
        Assert.True(expected.Select(n => (long)n).SequenceEqual(stored), $"stored [{string.Join(", ", stored)}]; the app wrote:\n{string.Join('\n', app.Output)}");

    [Fact]
    public async Task ProcessExit_CollectorNeverAnswersWithinTheExitBudget_LeftEventsReportedAndCountedDropped()
    {
        // Accepts every request and never answers: nothing can be delivered, however fast or slow the machine is.
        await using var blackHole = await FaultProxy.StartAsync("127.0.0.1:9");
        blackHole.Decide = _ => Fault.BlackHole;

        await using var app = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", blackHole.Host, "exit-black-hole", "0", "50", "--exit", "--budget", "1", "--stats-at-exit");
        Assert.Equal(3, await app.WaitForExitAsync());

        // One line for support: how many, the budget by its option's name, how long the exit waited (before: nothing).
        var report = Assert.Single(app.Output, line => line.Contains("not delivered within the exit budget", StringComparison.Ordinal));
        Assert.Contains("The process is exiting without disposing the handler: 50 events were not delivered within the exit budget (ShutdownTimeout, 1000 ms; waited ", report, StringComparison.Ordinal);
        Assert.Matches(@"waited \d+ ms\) and are lost unless the handler is disposed", report);

        // The app's own ProcessExit handler, after the flush, reads them undelivered at the exit (before fc5e6a4 only pending;
        // then dropped, a count that went down when a later disposal delivered them): lost if the process ends now.
        var statistics = Assert.Single(app.Output, line => line.StartsWith("at-exit ", StringComparison.Ordinal));
        Assert.Contains("Enqueued = 50, Adopted = 0, Sent = 0, Dropped = 0,", statistics, StringComparison.Ordinal);
        Assert.Contains("Pending = 50, UndeliveredAtExit = 50,", statistics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcessExit_LateEventsAndNoCollector_ReportedNotSilentlyLost()
    {
        // Every send is refused until the exit budget is spent.
        await using var app = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", Nowhere, "late", "0", "50", "--late");
        Assert.Equal(3, await app.WaitForExitAsync());
        Assert.Contains(app.Output, line => line.Contains("could not be delivered within the exit budget", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProcessExit_LateEventsReportedLostThenHostDisposesWithoutCollector_EachLostEventReportedOnce()
    {
        await using var app = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", Nowhere, "late-lost", "0", "50", "--late-dispose");
        await app.WaitForLineAsync("late-logged");
        await app.WriteLineAsync("go");
        var disposed = await app.WaitForLineAsync("disposed ThreadedHandlerStatistics");

        Assert.Equal(3, await app.WaitForExitAsync());
        Assert.True(disposed.Contains("Sent = 0, Dropped = 55,", StringComparison.Ordinal), disposed); // each event once: dropped (lost)
        Assert.Single(app.Output, line => line.Contains("55 events were not delivered before the shutdown deadline", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Output, line => line.Contains("delivered after all", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProcessExit_LateEventsReportedLostThenDeliveredByTheHostsDisposal_ReportedDeliveredAfterAll()
    {
        // Not reachable while the process exits, reachable before the disposal: the proxy's address is bound for the whole
        // test (a free port named first and started on later could be handed to another test's server meanwhile).
        await using var collector = new CollectorProcess();
        await collector.StartAsync();
        await using var proxy = await FaultProxy.StartAsync(collector.Host);
        proxy.Down = true;

        await using var app = ChildProcess.Start("tests/ThreadedLogging.FaultClient", "ThreadedLogging.FaultClient", proxy.Host, "late-then-sent", "0", "50", "--late-dispose");
        await app.WaitForLineAsync("late-logged");
        proxy.Down = false;
        await app.WriteLineAsync("go");
        var disposed = await app.WaitForLineAsync("disposed ThreadedHandlerStatistics");

        Assert.Equal(3, await app.WaitForExitAsync());
        Assert.Equal(Enumerable.Range(0, 55).Select(n => (long)n), await collector.EventNumbersAsync("late-then-sent"));
        Assert.Contains("Sent = 55, Dropped = 0,", disposed, StringComparison.Ordinal);
        // The exit flush reported the 50 lost when its budget was spent, the late calls their 5; the disposal delivered them
        // all and says so (before: nothing, then only the 5 late ones).
        Assert.Single(app.Output, line => line.Contains("55 events reported lost while the process exited were delivered after all", StringComparison.Ordinal));
    }
}
