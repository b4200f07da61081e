using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Tests.Support;

namespace ThreadedLogging.Tests.Pipeline;

/// <summary>
/// The scopes of a call after a call of the same thread that had none: the reader skips MEL's providers when the
/// execution context is the one it found empty, so every way a scope or an activity can appear must still show.
/// </summary>
public sealed class ScopeReaderTests
{
    private static ThreadedHandlerOptions Options() => new() { Interval = TimeSpan.FromHours(1), CaptureUnhandledExceptions = false };

    [Fact]
    public async Task FactoryProvider_ScopesBeganAndEndedBetweenCalls_EachCallHasItsOwn()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options());
        using (var factory = LoggerFactory.Create(b => b.AddProvider(handler)))
        {
            var logger = factory.CreateLogger("App");
            logger.LogInformation("a");
            using (logger.BeginScope("first"))
            {
                logger.LogInformation("b");
            }

            logger.LogInformation("c");
            using (logger.BeginScope("second"))
            {
                logger.LogInformation("d");
            }

            logger.LogInformation("e");
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["a: ", "b: first", "c: ", "d: second", "e: "], sink.Delivered.Select(e => $"{e.Message}: {string.Join(",", e.Scopes)}"));
    }

    [Fact]
    public async Task FactoryProviderTrackingActivities_ActivityStartedAfterACallWithout_IsInTheNextCall()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options());
        using (var factory = LoggerFactory.Create(b => b.AddProvider(handler).Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId)))
        {
            var logger = factory.CreateLogger("App");
            logger.LogInformation("before");
            using (var activity = new Activity("op").SetIdFormat(ActivityIdFormat.W3C).Start())
            {
                logger.LogInformation("during {TraceId}", activity.TraceId.ToString());
            }

            logger.LogInformation("after");
        }

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        var events = sink.Delivered.ToList();
        Assert.Empty(events[0].Scopes);
        var traceId = (string)events[1].Properties.Single(p => p.Key == "TraceId").Value!;
        var scope = Assert.IsType<KeyValuePair<string, object?>[]>(Assert.Single(events[1].Scopes));
        Assert.Contains(new KeyValuePair<string, object?>("TraceId", traceId), scope);
        Assert.Empty(events[2].Scopes);
    }

    [Fact]
    public async Task ExternalScopeProvider_ScopePushedAfterACallWithout_IsInTheNextCall()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options());
        var provider = new LoggerExternalScopeProvider();
        handler.SetScopeProvider(provider);
        var logger = handler.CreateLogger("App");
        logger.LogInformation("a");
        using (provider.Push("pushed"))
        {
            logger.LogInformation("b");
        }

        logger.LogInformation("c");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["a: ", "b: pushed", "c: "], sink.Delivered.Select(e => $"{e.Message}: {string.Join(",", e.Scopes)}"));
    }

    [Fact]
    public async Task ProviderOfAnotherType_KeepingScopesOutsideTheContext_IsAskedOnEveryCall()
    {
        var sink = new CollectingSink().Open();
        await using var handler = new ThreadedHandler(sink, Options());
        var provider = new FieldScopeProvider();
        handler.SetScopeProvider(provider);
        var logger = handler.CreateLogger("App");
        logger.LogInformation("a");
        provider.Current = "set without touching the execution context";
        logger.LogInformation("b");

        Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["a: ", "b: set without touching the execution context"], sink.Delivered.Select(e => $"{e.Message}: {string.Join(",", e.Scopes)}"));
    }

    /// <summary>A provider whose one scope is a plain field: no async-local, so the execution context does not change with it.</summary>
    private sealed class FieldScopeProvider : IExternalScopeProvider
    {
        public object? Current { get; set; }

        public void ForEachScope<TState>(Action<object?, TState> callback, TState state)
        {
            if (Current is { } scope)
            {
                callback(scope, state);
            }
        }

        public IDisposable Push(object? state) => throw new NotSupportedException();
    }
}
