using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// App code that runs inside a log call (a formatter, a scope's <c>ToString</c>) and logs on the same thread: the inner
/// call reused the thread's one record writer, so the outer event arrived with an empty message and the inner was lost,
/// and a scope whose <c>ToString</c> logs recursed without end. Each call is now recorded whole; a third level is dropped
/// and counted.
/// </summary>
public sealed class ReentrantLogTests
{
    private static ThreadedHandlerOptions Options() => new() { Interval = TimeSpan.FromHours(1), CaptureUnhandledExceptions = false };

    [Fact]
    public async Task Formatter_LogsOnTheSameThread_BothEventsWhole()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options());
        var logger = handler.CreateLogger("App");

        logger.Log(LogLevel.Information, default, "outer", null, (state, _) =>
        {
            logger.LogInformation("inner {N}", 1);
            return state;
        });

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["inner 1", "outer"], sink.Delivered.Select(e => e.Message).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Scope_ToStringLogs_NoEndlessRecursion_OuterAndInnerWhole_ThirdLevelCounted()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options());
        var provider = new LoggerExternalScopeProvider();
        handler.SetScopeProvider(provider);
        var logger = handler.CreateLogger("App");

        using (provider.Push(new LoggingScope(logger)))
        {
            logger.LogInformation("outer");
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var events = sink.Delivered.Where(e => e.Category == "App").OrderBy(e => e.Message, StringComparer.Ordinal).ToList();
        Assert.Equal(["from the scope", "outer"], events.Select(e => e.Message));
        Assert.All(events, e => Assert.Equal("the scope", Assert.Single(e.Scopes)?.ToString()));
        Assert.Equal(1, handler.Statistics.Dropped);
    }

    [Fact]
    public async Task ThirdLevel_Dropped_NoticeNamesReentrant_NotAFullQueue()
    {
        var sink = new CollectingSink().Open();
        var selfLog = new List<string>();
        var options = Options();
        options.SelfLog = line => { lock (selfLog) { selfLog.Add(line); } };
        await using var handler = new ThreadedHandler(sink, options);
        var provider = new LoggerExternalScopeProvider();
        handler.SetScopeProvider(provider);
        var logger = handler.CreateLogger("App");

        using (provider.Push(new LoggingScope(logger)))
        {
            logger.LogInformation("outer");
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var notice = Assert.Single(sink.Notices);
        Assert.Equal("Reentrant", notice.Properties.Single(p => p.Key == QueueDrops.ReasonProperty).Value);
        Assert.Equal(1L, notice.Properties.Single(p => p.Key == "DroppedCount").Value);
        Assert.DoesNotContain("the queue was full", notice.Message, StringComparison.Ordinal);
        lock (selfLog)
        {
            Assert.Contains(selfLog, l => l.Contains("1 event dropped", StringComparison.Ordinal) && l.Contains("a third level", StringComparison.Ordinal));
            Assert.DoesNotContain(selfLog, l => l.Contains("the queue was full", StringComparison.Ordinal));
        }

        Assert.Equal(1, handler.Statistics.Dropped);
    }

    private sealed class LoggingScope(ILogger logger)
    {
        public override string ToString()
        {
            logger.LogInformation("from the scope");
            return "the scope";
        }
    }
}
