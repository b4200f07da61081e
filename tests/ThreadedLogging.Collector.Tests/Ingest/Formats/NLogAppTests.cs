using System.Text.Json;
using Microsoft.Extensions.Logging;
using NLog.Extensions.Logging;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>
/// An app that logs through NLog (NLog 6.2 and NLog.Extensions.Logging 6.3, the real packages) ships through our provider
/// with NLog's <c>MicrosoftILoggerTarget</c> (README, Serilog and NLog): the message as the target's layout rendered it,
/// the call's properties as values, the exception whole, NLog's levels.
/// </summary>
public sealed class NLogAppTests
{
    [Fact]
    public async Task NLogApp_MicrosoftILoggerTargetWithALayout_LayoutMessagePropertiesAndExceptionStored()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await using (var handler = new ThreadedHttpHandler(new ThreadedHttpHandlerOptions
        {
            Host = collector.BaseAddress.Authority,
            Url = "/log/{user}",
            User = "dana",
            Format = HttpLogFormat.JsonBatch,
            App = "Warehouse",
            CaptureUnhandledExceptions = false,
        }))
        {
            using var factory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(handler));
            var nlog = new NLog.LogFactory();
            var configuration = new NLog.Config.LoggingConfiguration(nlog);
            configuration.AddRuleForAllLevels(new MicrosoftILoggerTarget(factory) { Layout = "${message} (${logger:shortName=true})" });
            nlog.Configuration = configuration;
            var logger = nlog.GetLogger("Warehouse.Picking");
            logger.Info("Picked {OrderId} from {Shelf}", 42, "B-7");
            logger.Fatal(ThrownExceptions.OuterWithInner(), "Picking {OrderId} failed", 43);
            logger.Trace("Trace {N}", 1);
            nlog.Shutdown();
            Assert.True(handler.Flush(TimeSpan.FromMinutes(1)), $"flush timed out: {handler.Statistics}");
        }

        var events = await collector.EventsAsync();
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal(("Warehouse.Picking", "Warehouse"), (e.GetProperty("category").GetString(), e.GetProperty("app").GetString())));
        var picked = events.Single(e => e.GetProperty("level").GetString() == "Information");
        Assert.Equal("Picked 42 from B-7 (Picking)", picked.GetProperty("message").GetString());
        Assert.Equal("Picked {OrderId} from {Shelf}", picked.GetProperty("template").GetString());
        Assert.Equal(42, picked.GetProperty("properties").GetProperty("OrderId").GetInt32());
        Assert.Equal("B-7", picked.GetProperty("properties").GetProperty("Shelf").GetString());

        var failed = events.Single(e => e.GetProperty("level").GetString() == "Critical");
        Assert.Equal("Picking 43 failed (Picking)", failed.GetProperty("message").GetString());
        var exception = failed.GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Equal("outer failed", exception.GetProperty("message").GetString());
        Assert.Contains(nameof(ThrownExceptions.OuterWithInner), exception.GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
        Assert.Equal("System.ArgumentException", Assert.Single(exception.GetProperty("inner").EnumerateArray()).GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.String, events.Single(e => e.GetProperty("level").GetString() == "Trace").GetProperty("message").ValueKind);
    }
}
