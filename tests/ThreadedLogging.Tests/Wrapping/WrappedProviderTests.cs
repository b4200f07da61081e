using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Tests.Wrapping;

public sealed class WrappedProviderTests
{
    private static readonly object ConsoleSwap = new();

    [Fact]
    public async Task ThreadedHandler_WrappingASlowProvider_CallerNeverWaitsAndAllArriveInOrder()
    {
        using var inner = new SlowProvider();
        await using (var handler = new ThreadedHandler(inner, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, BatchSize = 10, Interval = TimeSpan.FromHours(1) }))
        {
            var logger = handler.CreateLogger("App.Files");
            logger.LogInformation("first {N}", 0);
            handler.FlushAsync().GetAwaiter();
            await inner.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the worker is now stuck in the slow provider

            for (var i = 1; i < 100; i++)
            {
                logger.LogInformation("event {N}", i); // returns although the wrapped provider is held
            }

            Assert.Equal(100, handler.Statistics.Enqueued);
            inner.Release.Set();
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal(["first 0", .. Enumerable.Range(1, 99).Select(i => $"event {i}")], inner.Messages);
        Assert.Equal("App.Files", inner.Categories.Distinct().Single());
        Assert.True(inner.Disposed);
    }

    [Fact]
    public async Task AddThreaded_RegistersTheWrappedProviderBehindTheQueue()
    {
        var inner = new SlowProvider();
        inner.Release.Set();
        var services = new ServiceCollection().AddLogging(b => b.AddThreaded(inner, o => (o.Interval, o.CaptureUnhandledExceptions) = (TimeSpan.FromHours(1), false))).BuildServiceProvider();
        var handler = Assert.IsType<ThreadedHandler>(services.GetServices<ILoggerProvider>().Single());
        services.GetRequiredService<ILoggerFactory>().CreateLogger("App").LogWarning("Disk {Drive} is {Percent:0.0}% full", "C:", 93.456);

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal("Disk C: is 93.5% full", Assert.Single(inner.Messages));
        Assert.Equal("Disk {Drive} is {Percent:0.0}% full", Assert.Single(inner.Templates));
        await services.DisposeAsync();
    }

    [Fact]
    public async Task AddThreaded_OptionsRefusedAtStart_TheWrappedProviderIsDisposed()
    {
        var inner = new SlowProvider();
        await using var services = new ServiceCollection().AddLogging(b => b.AddThreaded(_ => inner, o => o.QueueCapacity = 0)).BuildServiceProvider();

        var refused = Assert.ThrowsAny<ArgumentException>(() => services.GetRequiredService<ILoggerFactory>());

        Assert.Contains("QueueCapacity", refused.Message, StringComparison.Ordinal);
        Assert.True(inner.Disposed);
    }

    [Fact]
    public async Task ThreadedHandler_WrappingAProviderThatReadsScopes_EachEventReplayedWithItsOwnScopes()
    {
        // As MEL's console provider does: ISupportExternalScope, and each scope's text (ToString) per line.
        using var inner = new ScopeReadingProvider();
        await using (var handler = new ThreadedHandler(inner, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1), IncludeScopes = true }))
        {
            var logger = handler.CreateLogger("Web");
            using (logger.BeginScope("Request {RequestId}", "r-1"))
            {
                using (logger.BeginScope(new Dictionary<string, object?> { ["Tenant"] = "acme" }))
                {
                    logger.LogInformation("inner");
                }

                logger.LogInformation("outer");
            }

            logger.LogInformation("none");
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal(["inner => Request r-1 => Tenant:acme", "outer => Request r-1", "none"], inner.Lines);
    }

    [Fact]
    public async Task ThreadedHandler_WrappingMelsConsoleWithScopes_LinesCarryEachEventsScopes()
    {
        var services = new ServiceCollection().AddLogging(b => b.AddSimpleConsole(o => { o.IncludeScopes = true; o.SingleLine = true; })).BuildServiceProvider();
        var (console, output) = CapturedConsole(services);

        await using (var handler = new ThreadedHandler(console, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1), IncludeScopes = true }))
        {
            var logger = handler.CreateLogger("Web");
            using (logger.BeginScope("Request {RequestId}", "r-7"))
            {
                logger.LogInformation("Paid {Employee}", "alice");
            }

            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        await services.DisposeAsync(); // the console provider writes out what it holds
        var line = Assert.Single(output.ToString().Split('\n'), l => l.Contains("Paid alice", StringComparison.Ordinal));
        Assert.Contains("=> Request r-7", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThreadedHandler_WrappingMelsConsole_EachLineShowsItsCallsTimeLevelIdAndException()
    {
        // MEL's console logger is an IBufferedLogger (.NET 9+): replayed through LogRecords, a line carries the event's own
        // time. Through Log it took the replay's (the console reads its clock when it writes): here 2026, not 2001.
        var (services, console, output) = TimedConsole(includeScopes: false);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero));

        await using (var handler = new ThreadedHandler(console, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1), TimeProvider = time }))
        {
            var logger = handler.CreateLogger("Payroll");
            logger.LogInformation(new EventId(7, "Paid"), "Paid {Employee}", "alice");
            time.Advance(TimeSpan.FromMinutes(1));
            logger.LogError(new EventId(8), new InvalidOperationException("ledger closed"), "Failed for {Employee}", "bob");
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        await services.DisposeAsync(); // the console provider writes out what it holds
        var lines = output.ToString().Split('\n');
        Assert.Contains("2001-02-03T04:05:06.000 info: Payroll[7] Paid alice", lines.Select(l => l.TrimEnd('\r')));
        var error = Assert.Single(lines, l => l.Contains("Failed for bob", StringComparison.Ordinal));
        Assert.StartsWith("2001-02-03T04:06:06.000 fail: Payroll[8] Failed for bob", error, StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: ledger closed", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThreadedHandler_WrappingMelsConsoleWithScopes_ScopesAsAtTheCallAndTheConsolesOwnTimeForThatLine()
    {
        // What README's wrapping section promises. MEL's console formatters write a held record's time but never its scopes,
        // so an event with scopes is replayed through Log, with its scopes as they were at the call (frozen then: changed
        // after it, the replay still shows the old value), and the console stamps it with its own clock, the replay's time.
        // An event without scopes goes as a held record: the call's time.
        var (services, console, output) = TimedConsole(includeScopes: true);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero));
        await using (var handler = new ThreadedHandler(console, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1), TimeProvider = time }))
        {
            var logger = handler.CreateLogger("Web");
            var request = new Dictionary<string, object?> { ["RequestId"] = "r-7" };
            using (logger.BeginScope(request))
            using (logger.BeginScope("Tenant {Tenant}", "acme"))
            {
                logger.LogInformation("Paid {Employee}", "alice");
                request["RequestId"] = "r-8";
            }

            logger.LogInformation("Closed");
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        await services.DisposeAsync(); // the console provider writes out what it holds
        var lines = output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var scoped = Assert.Single(lines, l => l.Contains("Paid alice", StringComparison.Ordinal));
        Assert.Contains("=> RequestId:r-7 => Tenant acme Paid alice", scoped, StringComparison.Ordinal);
        Assert.DoesNotContain("2001-", scoped, StringComparison.Ordinal);
        Assert.Contains("2001-02-03T04:05:06.000 info: Web[0] Closed", lines);
    }

    [Fact]
    public async Task ThreadedHandler_IncludeScopesOffWrappingMelsConsole_LineInsideAScopeShowsTheCallsTime()
    {
        // The workaround README gives for a wrapped console whose lines must carry the call's time: the handler's
        // IncludeScopes off, so no event has scopes and each goes as a held record (the console then shows no scopes).
        var (services, console, output) = TimedConsole(includeScopes: true);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero));
        await using (var handler = new ThreadedHandler(console, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1), TimeProvider = time, IncludeScopes = false }))
        {
            var logger = handler.CreateLogger("Web");
            using (logger.BeginScope("Tenant {Tenant}", "acme"))
            {
                logger.LogInformation("Paid {Employee}", "alice");
            }

            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        await services.DisposeAsync();
        Assert.Contains("2001-02-03T04:05:06.000 info: Web[0] Paid alice", output.ToString().Split('\n').Select(l => l.TrimEnd('\r')));
    }

    /// <summary>MEL's simple console on one line, UTC times to the millisecond, no colours, writing into a captured writer.</summary>
    private static (ServiceProvider Services, ILoggerProvider Console, StringWriter Output) TimedConsole(bool includeScopes)
    {
        var services = new ServiceCollection().AddLogging(b => b.AddSimpleConsole(o =>
        {
            o.IncludeScopes = includeScopes;
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
            o.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled;
        })).BuildServiceProvider();
        var (console, output) = CapturedConsole(services);
        return (services, console, output);
    }

    /// <summary>The real console provider, writing into a captured writer: it takes Console.Out when it is made, so Console.Out is swapped only for that moment.</summary>
    private static (ILoggerProvider Console, StringWriter Output) CapturedConsole(IServiceProvider services)
    {
        var output = new StringWriter();
        lock (ConsoleSwap)
        {
            var original = Console.Out;
            Console.SetOut(output);
            try
            {
                return (services.GetServices<ILoggerProvider>().Single(), output);
            }
            finally
            {
                Console.SetOut(original);
            }
        }
    }

    [Fact]
    public async Task AddThreaded_TwoCallsWithTheirOwnConfigure_EachHandlerGetsOnlyItsOwn()
    {
        using var first = new SlowProvider();
        using var second = new SlowProvider();
        var services = new ServiceCollection().AddLogging(b => b
            .AddThreaded(first, o => o.Level = LogLevel.Warning)
            .AddThreaded(second, o => o.QueueCapacity = 7))
            .BuildServiceProvider();

        var handlers = services.GetServices<ILoggerProvider>().Cast<ThreadedHandler>().ToList();

        Assert.Equal(2, handlers.Count);
        Assert.Equal((LogLevel.Warning, new ThreadedHandlerOptions().QueueCapacity), (handlers[0].Level, handlers[0].Statistics.Capacity));
        Assert.Equal((LogLevel.Trace, 7), (handlers[1].Level, handlers[1].Statistics.Capacity));
        await services.DisposeAsync();
    }

    [Fact]
    public async Task AddThreaded_LevelReloaded_AppliedAndALevelSetInCodeSurvivesAReloadThatLeavesItAlone()
    {
        using var inner = new SlowProvider();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:Threaded:Level"] = "Warning" }).Build();
        var services = new ServiceCollection().AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddThreaded(inner)).BuildServiceProvider();
        var handler = Assert.IsType<ThreadedHandler>(services.GetServices<ILoggerProvider>().Single());

        configuration["Logging:Threaded:Level"] = "Debug";
        configuration.Reload();
        var reloaded = handler.Level;
        handler.Level = LogLevel.Error; // the seed's setLevel, in code
        configuration["Logging:LogLevel:Default"] = "Information";
        configuration.Reload(); // another key changed: the handler's Level is as it was
        var afterOtherReload = handler.Level;

        Assert.Equal((LogLevel.Debug, LogLevel.Error), (reloaded, afterOtherReload));
        await services.DisposeAsync();
    }

    [Fact]
    public async Task AddThreaded_HandlerDisposed_ReloadsNoLongerReachIt()
    {
        using var inner = new SlowProvider();
        var selfLog = new List<string>();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:Threaded:Level"] = "Warning" }).Build();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddThreaded(inner, o => o.SelfLog = selfLog.Add))
            .BuildServiceProvider();
        var handler = Assert.IsType<ThreadedHandler>(services.GetServices<ILoggerProvider>().Single());

        await handler.DisposeAsync();
        configuration["Logging:Threaded:Level"] = "Verbose";
        configuration.Reload();

        Assert.DoesNotContain(selfLog, line => line.Contains("was not applied", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, handler.Level);
        await services.DisposeAsync();
    }

    [Fact]
    public async Task AddThreaded_WrappedLoggerThrowsOnOneEvent_ItIsDroppedAloneAndTheRestArriveInOrder()
    {
        // Before: the provider's exception was a transient failure forever; the event and every one behind it stayed
        // queued until shutdown, and were lost then.
        var inner = new FaultyProvider { Fault = message => message == "event 4" ? new FormatException("Input string was not in a correct format.") : null };
        var selfLog = new List<string>();
        var services = new ServiceCollection().AddLogging(b => b.AddThreaded(inner, o =>
        {
            o.Interval = TimeSpan.FromHours(1);
            o.CaptureUnhandledExceptions = false;
            o.MinRetryDelay = TimeSpan.FromMilliseconds(1);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(20);
            o.SelfLog = m => { lock (selfLog) { selfLog.Add(m); } };
        })).BuildServiceProvider();
        var handler = Assert.IsType<ThreadedHandler>(services.GetServices<ILoggerProvider>().Single());
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("App");
        for (var i = 0; i < 10; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(Enumerable.Range(0, 10).Where(i => i != 4).Select(i => $"event {i}"), inner.Messages);
        Assert.Equal(1, handler.Statistics.Dropped);
        // Sent as many times before the split as a batch it heads (it was 4 where that is 3): once behind events 0-3,
        // which counts, then first of its slice twice; then split: events 4-6, event 4 alone.
        Assert.Equal(SinkFailure.AttemptsBeforeIsolating + 2, inner.Attempts("event 4"));
        Assert.Equal(SinkFailure.AttemptsBeforeIsolating + 2, handler.Statistics.Failed); // failures counted: the same
        lock (selfLog)
        {
            Assert.Contains(selfLog, m => m.Contains("1 event dropped, as the sink throws when sending it (the sink threw FormatException: Input string", StringComparison.Ordinal));
        }

        await services.DisposeAsync();
    }

    [Fact]
    public async Task ThreadedHandler_WrappedLoggerFailsToWriteForAWhile_RetriedUntilEverythingArrives()
    {
        var failures = 5; // more than a content failure is tried: an IOException (a full disk) is retried as long as it lasts
        using var inner = new FaultyProvider { Fault = message => message == "event 2" && failures-- > 0 ? new IOException("No space left on device") : null };
        await using var handler = new ThreadedHandler(inner, new ThreadedHandlerOptions
        {
            CaptureUnhandledExceptions = false,
            Interval = TimeSpan.FromHours(1),
            MinRetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(20),
        });
        var logger = handler.CreateLogger("App");
        for (var i = 0; i < 5; i++)
        {
            logger.LogInformation("event {N}", i);
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"event {i}"), inner.Messages);
        Assert.Equal(0, handler.Statistics.Dropped);
        Assert.Equal(6, inner.Attempts("event 2"));
    }

    [Fact]
    public async Task ThreadedHandler_WrappedProviderGivenBytes_GetsAByteArrayAsTheAppLoggedIt()
    {
        using var inner = new FaultyProvider();
        await using (var handler = new ThreadedHandler(inner, new ThreadedHandlerOptions { CaptureUnhandledExceptions = false, Interval = TimeSpan.FromHours(1) }))
        {
            handler.CreateLogger("App").LogInformation("Hash {Hash}", new byte[] { 0xDE, 0xAD });
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal(["Hash 222, 173"], inner.Messages);
        Assert.Equal(new byte[] { 0xDE, 0xAD }, Assert.IsType<byte[]>(inner.Values.Single(v => v.Key == "Hash").Value));
    }

    /// <summary>A provider that blocks inside Log until released (a file on a dead network share, say).</summary>
    private sealed class SlowProvider : ILoggerProvider
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ManualResetEventSlim Release { get; } = new();

        public List<string> Messages { get; } = [];

        public List<string?> Templates { get; } = [];

        public List<string> Categories { get; } = [];

        public bool Disposed { get; private set; }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() => Disposed = true;

        private sealed class Logger(SlowProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                owner.Entered.TrySetResult();
                owner.Release.Wait(TimeSpan.FromSeconds(60));
                owner.Messages.Add(formatter(state, exception));
                owner.Categories.Add(category);
                owner.Templates.Add((state as IReadOnlyList<KeyValuePair<string, object?>>)?.LastOrDefault(p => p.Key == "{OriginalFormat}").Value as string);
            }
        }
    }

    /// <summary>A provider that reads the external scopes, as MEL's console provider does, into one line per event.</summary>
    private sealed class ScopeReadingProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider? _scopes;

        public List<string> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeReadingProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopes?.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var line = new System.Text.StringBuilder(formatter(state, exception));
                owner._scopes?.ForEachScope((scope, builder) => builder.Append(" => ").Append(scope), line);
                owner.Lines.Add(line.ToString());
            }
        }
    }

    /// <summary>A provider whose logger throws what <see cref="Fault"/> gives for a message (a file provider with a bug, a full disk).</summary>
    private sealed class FaultyProvider : ILoggerProvider
    {
        private readonly List<string> _attempts = [];

        public Func<string, Exception?> Fault { get; init; } = _ => null;

        public List<string> Messages { get; } = [];

        public List<KeyValuePair<string, object?>> Values { get; } = [];

        public int Attempts(string message) => _attempts.Count(m => m == message);

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(FaultyProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var message = formatter(state, exception);
                owner._attempts.Add(message);
                if (owner.Fault(message) is { } fault)
                {
                    throw fault;
                }

                owner.Messages.Add(message);
                owner.Values.AddRange(state as IEnumerable<KeyValuePair<string, object?>> ?? []);
            }
        }
    }
}
