using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// A crash and an unobserved task exception reach support (<see cref="UnhandledExceptionLog"/>). The crash is raised here
/// as the runtime's <c>AppDomain.UnhandledException</c> handler raises it (a real crash ends the process: Delivery's
/// ProcessEndTests); the unobserved task exception is the runtime's own, from a faulted task the GC finalizes. Alone: every
/// live handler of the process gets these events.
/// </summary>
[Collection(ExitAccountingCollection.Name)]
public sealed class UnhandledExceptionLogTests
{
    /// <summary>
    /// Capture on (the default), but without the unobserved task exceptions: the GC finalizes a faulted task left by any
    /// earlier test whenever it runs, and each one would be one more event than a crash test counts. The test of those
    /// events takes the category back.
    /// </summary>
    private static ThreadedHandlerOptions Options(Action<ThreadedHandlerOptions>? configure = null)
    {
        var options = new ThreadedHandlerOptions { Interval = TimeSpan.FromHours(1) };
        options.ExcludedCategories.Add(UnhandledExceptionLog.UnobservedCategory);
        configure?.Invoke(options);
        return options;
    }

    [Fact]
    public async Task Crash_SeveralThreadsOnTwoHandlers_EachHandlerLogsOneCriticalWithTheExceptionAfterItsEvents()
    {
        var sinks = new[] { new CollectingSink().Open(), new CollectingSink().Open() };
        var handlers = sinks.Select(sink => new ThreadedHandler(sink, Options())).ToArray();
        try
        {
            foreach (var handler in handlers)
            {
                handler.CreateLogger("App").LogInformation("before the crash");
            }

            // Several threads die at once: each raises the event; one event per handler, never more.
            var crashes = Enumerable.Range(0, 4).Select(n => Task.Run(() => UnhandledExceptionLog.LogCrash(Thrown(n)))).ToArray();
            await Task.WhenAll(crashes).WaitAsync(TimeSpan.FromSeconds(30));

            foreach (var (handler, sink) in handlers.Zip(sinks))
            {
                Assert.True(await handler.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token));
                var delivered = sink.Delivered;
                Assert.Equal(["App", UnhandledExceptionLog.CrashCategory], delivered.Select(e => e.Category));
                var crash = delivered[1];
                Assert.Equal(LogLevel.Critical, crash.Level);
                Assert.Equal("Unhandled exception; the process is ending", crash.Message);
                var exception = Assert.IsAssignableFrom<Exception>(crash.Exception);
                Assert.Equal("System.InvalidOperationException", CapturedException.TypeNameOf(exception));
                Assert.StartsWith("the app crashed on thread ", CapturedException.MessageOf(exception), StringComparison.Ordinal);
                Assert.Contains(nameof(Thrown), exception.StackTrace, StringComparison.Ordinal);
                Assert.Equal("System.FormatException", CapturedException.TypeNameOf(Assert.Single(CapturedException.InnerOf(exception))));
            }
        }
        finally
        {
            foreach (var handler in handlers)
            {
                await handler.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("off")]
    [InlineData("level None")]
    [InlineData("excluded")]
    public async Task Crash_OptionOffLevelNoneOrCategoryExcluded_NothingLogged(string setting)
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options(o =>
        {
            switch (setting)
            {
                case "off":
                    o.CaptureUnhandledExceptions = false;
                    break;
                case "level None":
                    o.Level = LogLevel.None;
                    break;
                default:
                    o.ExcludedCategories.Add("System.AppDomain");
                    break;
            }
        }));
        handler.CreateLogger("App").LogCritical("before the crash");

        UnhandledExceptionLog.LogCrash(Thrown(0));

        Assert.True(await handler.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token));
        Assert.DoesNotContain(sink.Delivered, e => e.Category == UnhandledExceptionLog.CrashCategory);
    }

    [Theory]
    [InlineData("System")]
    [InlineData("Default")]
    public async Task Crash_AppsMelFilterSilencesItsCategory_CrashStillLoggedTheFilteredCategoriesNot(string filtered)
    {
        // "Logging:LogLevel:System": "None" is for the framework's noise; the crash the app asked to capture is logged
        // whatever the app's MEL filter rules say of its category (the handler's level and excluded categories still apply).
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options());
        var rules = new LoggerFilterOptions();
        rules.Rules.Add(new LoggerFilterRule(null, filtered == "Default" ? null : filtered, LogLevel.None, null));
        handler.FilterLevel = category => FilterRuleLevel.For(rules, category); // as AddThreadedHttp sets it from the app's rules
        handler.CreateLogger("System.Net.Http.HttpClient").LogCritical("framework noise");

        UnhandledExceptionLog.LogCrash(Thrown(0));

        Assert.True(await handler.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token));
        Assert.Equal([UnhandledExceptionLog.CrashCategory], sink.Delivered.Select(e => e.Category));
    }

    [Fact]
    public async Task Crash_NotAnException_LoggedWithWhatWasThrown()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options());

        UnhandledExceptionLog.LogCrash("a string thrown from another language");

        Assert.True(await handler.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token));
        var crash = Assert.Single(sink.Delivered);
        Assert.Equal("System.Runtime.CompilerServices.RuntimeWrappedException", CapturedException.TypeNameOf(crash.Exception!));
    }

    [Fact]
    public async Task UnobservedTaskException_FaultedTaskFinalized_OneErrorEventAndLeftUnobserved()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options(o => o.ExcludedCategories.Remove(UnhandledExceptionLog.UnobservedCategory)));
        var marker = Guid.NewGuid().ToString("N");
        var observedWhenSeen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<UnobservedTaskExceptionEventArgs> after = (_, e) =>
        {
            if (e.Exception.InnerException?.Message == marker)
            {
                observedWhenSeen.TrySetResult(e.Observed);
            }
        };
        TaskScheduler.UnobservedTaskException += after; // after the handlers' own subscription
        try
        {
            LeaveFaultedTask(marker);
            for (var collections = 0; collections < 10 && !observedWhenSeen.Task.IsCompleted; collections++)
            {
                // The runtime raises the event on the finalizer thread when the GC finalizes the faulted task.
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= after;
        }

        Assert.True(observedWhenSeen.Task.IsCompleted, "the GC did not finalize the faulted task");
        Assert.False(await observedWhenSeen.Task); // the app's own handler decides what to do with it
        Assert.True(await handler.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token));
        var logged = Assert.Single(sink.Delivered, e => e.Exception is { } x && CapturedException.InnerOf(x).Any(i => CapturedException.MessageOf(i) == marker));
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Equal(UnhandledExceptionLog.UnobservedCategory, logged.Category);
        Assert.Equal("System.AggregateException", CapturedException.TypeNameOf(logged.Exception!));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Exception Thrown(int thread)
    {
        try
        {
            throw new InvalidOperationException($"the app crashed on thread {thread}", new FormatException("the inner cause"));
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }

    /// <summary>A faulted task nobody awaits, unreachable once this returns: the GC's finalizer raises its exception as unobserved.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LeaveFaultedTask(string marker)
    {
        var source = new TaskCompletionSource();
        source.SetException(new InvalidOperationException(marker));
    }
}
