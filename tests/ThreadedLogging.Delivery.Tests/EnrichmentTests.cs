using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Enrichment;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// Global properties the way .NET adds them, with Microsoft.Extensions.Telemetry: <c>EnableEnrichment</c> and a
/// static enricher (Serilog's <c>Enrich.WithProperty</c>, OpenTelemetry's resource attributes), through the real
/// client into the real collector process. Its logger hands every provider a state that lists the enricher's tags
/// before the call's own values: the tags must arrive as properties and every message must read as MEL writes it.
/// </summary>
public sealed partial class EnrichmentTests
{
    [Fact]
    public async Task EnableEnrichment_StaticEnricher_TagsStoredAsPropertiesAndMessagesRenderedByName()
    {
        await using var collector = new CollectorProcess();
        await collector.StartAsync();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.EnableEnrichment().AddThreadedHttp(options =>
            {
                options.Host = collector.Host;
                options.Format = HttpLogFormat.JsonBatch;
                options.User = "erin";
                options.LevelPollInterval = TimeSpan.Zero;
            }))
            .AddStaticLogEnricher<EnvironmentEnricher>();
        await using (var provider = services.BuildServiceProvider())
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Shipping");
            logger.LogInformation("Paid {Employee} {Amount}", "alice", 12.5m);
            Shipped(logger, "o-1", 3);
            Assert.True(provider.GetServices<ILoggerProvider>().OfType<ThreadedHttpHandler>().Single().Flush(TimeSpan.FromSeconds(30)));
        }

        var events = (await collector.EventsAsync("erin")).OrderBy(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(["Paid alice 12.5", "Shipped o-1 in 3 parcels"], events.Select(e => e.GetProperty("message").GetString()));
        Assert.All(events, e => Assert.Equal("Prod", e.GetProperty("properties").GetProperty("Environment").GetString()));
        Assert.Equal("alice", events[0].GetProperty("properties").GetProperty("Employee").GetString());
        Assert.Equal(3, events[1].GetProperty("properties").GetProperty("Parcels").GetInt32());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shipped {OrderId} in {Parcels} parcels")]
    private static partial void Shipped(ILogger logger, string orderId, int parcels);

    private sealed class EnvironmentEnricher : IStaticLogEnricher
    {
        public void Enrich(IEnrichmentTagCollector collector) => collector.Add("Environment", "Prod");
    }
}
