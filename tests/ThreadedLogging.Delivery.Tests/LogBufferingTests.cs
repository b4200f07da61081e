using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Buffering;
using Microsoft.Extensions.Diagnostics.Enrichment;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// Microsoft.Extensions.Telemetry's log buffering (<c>AddGlobalBuffer</c>): Information and Debug records are held and
/// handed to the providers when the app flushes the buffer, after something went wrong. Through the real package, the
/// real client and the real collector process, a buffered event must arrive as it was logged, not as of the flush.
/// </summary>
public sealed class LogBufferingTests
{
    [Fact]
    public async Task GlobalBuffer_FlushedLater_EventsKeepTheirTimeTemplateMessageExceptionAndTrace()
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();
        var services = new ServiceCollection()
            .AddLogging(logging => logging
                .EnableEnrichment()
                .AddGlobalBuffer(LogLevel.Information)
                .AddThreadedHttp(options =>
                {
                    options.Host = collector.Host;
                    options.Format = HttpLogFormat.JsonBatch;
                    options.User = "bea";
                    options.LevelPollInterval = TimeSpan.Zero;
                }))
            .AddLogEnricher<TraceEnricher>();
        ActivityTraceId trace;
        DateTimeOffset before, after;
        await using (var provider = services.BuildServiceProvider())
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Checkout");
            using (var request = new Activity("Checkout").SetIdFormat(ActivityIdFormat.W3C).Start())
            {
                trace = request.TraceId;
                before = DateTimeOffset.UtcNow;
                logger.LogInformation(new EventId(42, "Charged"), new InvalidOperationException("card declined"), "Charged {OrderId} for {Items}", "o-7", new[] { 3, 5 });
                logger.LogInformation("Shipped {OrderId}", "o-7");
                after = DateTimeOffset.UtcNow;
            }

            // The flush comes later, in another trace: the clock moves on first, so the flush's time differs from the call's.
            while (DateTimeOffset.UtcNow <= after.AddMilliseconds(3))
            {
                Thread.Yield();
            }

            using (new Activity("ErrorHandler").SetIdFormat(ActivityIdFormat.W3C).Start())
            {
                provider.GetRequiredService<GlobalLogBuffer>().Flush();
            }

            Assert.True(provider.GetServices<ILoggerProvider>().OfType<ThreadedHttpHandler>().Single().Flush(TimeSpan.FromSeconds(30)));
        }

        var events = await collector.EventsAsync("bea");
        Assert.Equal(2, events.Count);
        var stored = Assert.Single(events, e => e.GetProperty("template").GetString() == "Charged {OrderId} for {Items}");
        var shipped = Assert.Single(events, e => e.GetProperty("template").GetString() == "Shipped {OrderId}");
        Assert.True(!shipped.TryGetProperty("exception", out var none) || none.ValueKind == JsonValueKind.Null, $"a call without an exception arrived with one: {shipped}"); // the buffer's "" is no exception
        var time = stored.GetProperty("timestamp").GetDateTimeOffset();
        Assert.InRange(time, before.AddMilliseconds(-1), after.AddMilliseconds(1));
        Assert.Equal("Charged o-7 for 3, 5", stored.GetProperty("message").GetString());
        Assert.Equal("Charged {OrderId} for {Items}", stored.GetProperty("template").GetString());
        Assert.Equal("Information", stored.GetProperty("level").GetString());
        Assert.Equal("o-7", stored.GetProperty("properties").GetProperty("OrderId").GetString());
        var exception = stored.GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Equal("card declined", exception.GetProperty("message").GetString());
        var context = stored.GetProperty("context");
        Assert.Equal(42, context.GetProperty("eventId").GetInt32());
        Assert.Equal("Charged", context.GetProperty("eventName").GetString());
        Assert.Equal(trace.ToHexString(), context.GetProperty("traceId").GetString());
    }

    /// <summary>What an app adds to keep a buffered event's trace: the buffer keeps no trace of its own (Microsoft.Extensions.Telemetry 10.11).</summary>
    private sealed class TraceEnricher : ILogEnricher
    {
        public void Enrich(IEnrichmentTagCollector collector)
        {
            if (Activity.Current is { } activity)
            {
                collector.Add("TraceId", activity.TraceId.ToHexString());
                collector.Add("SpanId", activity.SpanId.ToHexString());
            }
        }
    }
}
