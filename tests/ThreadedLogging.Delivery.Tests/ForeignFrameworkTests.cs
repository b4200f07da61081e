using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NLog.Extensions.Logging;
using Serilog;
using Serilog.Extensions.Logging;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// Apps that log through Serilog or NLog themselves, not through MEL, ship through our handler with each framework's
/// own bridge into MEL providers — Serilog's <c>WriteTo.Providers</c> (Serilog.Extensions.Logging) and NLog's
/// <c>MicrosoftILoggerTarget</c> (NLog.Extensions.Logging), the real packages — into the real collector, with their
/// structured values kept as values: destructured objects as objects, collections as arrays, dictionaries as objects.
/// </summary>
public sealed class ForeignFrameworkTests(SharedCollector collector) : IClassFixture<SharedCollector>
{
    [Fact]
    public async Task SerilogApp_WriteToProviders_ShipsDestructuredObjectsCollectionsAndDictionariesAsValues()
    {
        using (var handler = Handler("serilog-app"))
        {
            var providers = new LoggerProviderCollection();
            providers.AddProvider(handler);
            using (var log = new LoggerConfiguration().MinimumLevel.Verbose().Enrich.WithProperty("App", "Shop").WriteTo.Providers(providers).CreateLogger())
            {
                log.ForContext("SourceContext", "Orders").Information(
                    "Placed {OrderId} by {@Buyer} with {@Lines} priced {Prices}",
                    42,
                    new Buyer("ann", [7, 8]),
                    new[] { new { Sku = "a-1", Qty = 2 } },
                    new Dictionary<int, decimal> { [1] = 1.5m });
                log.ForContext("SourceContext", "Orders").Error(new InvalidOperationException("boom"), "Failed {OrderId}", 43);
            }

            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        var events = await collector.EventsAsync("serilog-app");
        Assert.Equal(2, events.Count);
        var placed = events[0];
        Assert.Equal("Orders", placed.GetProperty("category").GetString());
        var properties = placed.GetProperty("properties");
        Assert.Equal(42, properties.GetProperty("OrderId").GetInt32());
        Assert.Equal("Shop", properties.GetProperty("App").GetString());
        Assert.Equal("""{"$type":"Buyer","Name":"ann","Tags":[7,8]}""", properties.GetProperty("Buyer").GetRawText());
        Assert.Equal("""[{"Sku":"a-1","Qty":2}]""", properties.GetProperty("Lines").GetRawText());
        Assert.Equal("""{"1":1.5}""", properties.GetProperty("Prices").GetRawText());
        // Serilog's own rendering of the object in the message, as its console sink shows it.
        Assert.StartsWith("Placed 42 by Buyer { Name: \"ann\", Tags: [7, 8] } with ", placed.GetProperty("message").GetString(), StringComparison.Ordinal);

        var failed = events[1];
        Assert.Equal("Error", failed.GetProperty("level").GetString());
        Assert.Equal("boom", failed.GetProperty("exception").GetProperty("message").GetString());
    }

    [Fact]
    public async Task SerilogApp_WriteToProviders_MessageIsSerilogsOwnRendering()
    {
        var rendered = new List<string>();
        using (var handler = Handler("serilog-text"))
        {
            var providers = new LoggerProviderCollection();
            providers.AddProvider(handler);
            using (var log = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new RenderedMessages(rendered)).WriteTo.Providers(providers).CreateLogger())
            {
                log.Information("Sequence {Items} and nested {Rows}", new[] { 1, 2 }, new[] { new[] { 1 }, [2, 3] });
                log.Information("Dictionary {Prices} of {Count} items", new Dictionary<string, decimal> { ["a"] = 1.5m, ["b"] = 2 }, 2);
                log.Information("Structure {@Buyer}, text {Name}, literal {Name2:l}, null {Missing}", new Buyer("ann", [7]), "bob", "carl", null);
                log.Information("Formats {Amount:0.00} {When:yyyy-MM-dd} {Id,5}", 3.14159, new DateTime(2026, 12, 2), 42);
                log.Information("Strings {Tags} and a plain {Number}", new List<string> { "x", "y" }, 7);
                log.Information("No properties at all");
            }

            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        var events = await collector.EventsAsync("serilog-text");
        Assert.Equal(rendered, events.Select(e => e.GetProperty("message").GetString()));
        Assert.Equal("[1,2]", events[0].GetProperty("properties").GetProperty("Items").GetRawText()); // the value keeps its structure
        Assert.Equal("""{"a":1.5,"b":2}""", events[1].GetProperty("properties").GetProperty("Prices").GetRawText());
        Assert.Equal("Dictionary {Prices} of {Count} items", events[1].GetProperty("template").GetString());
    }

    [Fact]
    public async Task SerilogApp_WriteToProvidersWithASecret_MessageRenderedAgainMasked()
    {
        using (var handler = Handler("serilog-secret"))
        {
            var providers = new LoggerProviderCollection();
            providers.AddProvider(handler);
            using (var log = new LoggerConfiguration().WriteTo.Providers(providers).CreateLogger())
            {
                log.Information("Signed in {User} with {Password}", "ann", "hunter2");
            }

            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        var stored = Assert.Single(await collector.EventsAsync("serilog-secret"));
        Assert.Equal("Signed in ann with ***", stored.GetProperty("message").GetString()); // Serilog's text held the secret: rendered again from the masked values
    }

    [Fact]
    public async Task NLogApp_MicrosoftILoggerTarget_ShipsDestructuredObjectsAndScopeProperties()
    {
        using (var handler = Handler("nlog-app"))
        {
            using var factory = LoggerFactory.Create(logging => logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace).AddProvider(handler));
            var nlog = new NLog.LogFactory();
            var configuration = new NLog.Config.LoggingConfiguration(nlog);
            configuration.AddRuleForAllLevels(new MicrosoftILoggerTarget(factory) { Name = "collector", IncludeScopeProperties = true });
            nlog.Configuration = configuration;
            var logger = nlog.GetLogger("Orders");
            using (NLog.ScopeContext.PushProperty("Request", "r-1"))
            {
                logger.Info("Placed {OrderId} by {@Buyer} in {Items}", 42, new Buyer("ann", [7, 8]), new List<string> { "a", "b" });
            }

            logger.Info("Kept as text {Buyer}", new Buyer("bob", []));
            nlog.Shutdown();
            Assert.True(handler.Flush(TimeSpan.FromSeconds(30)));
        }

        var events = await collector.EventsAsync("nlog-app");
        Assert.Equal(2, events.Count);
        var properties = events[0].GetProperty("properties");
        Assert.Equal("Orders", events[0].GetProperty("category").GetString());
        Assert.Equal(42, properties.GetProperty("OrderId").GetInt32());
        // NLog passes the name without its "@": the template's {@Buyer} asks for the object.
        Assert.Equal("""{"$type":"Buyer","Name":"ann","Tags":[7,8]}""", properties.GetProperty("Buyer").GetRawText());
        Assert.Equal("""["a","b"]""", properties.GetProperty("Items").GetRawText());
        Assert.Equal("r-1", properties.GetProperty("Request").GetString());
        Assert.Equal(JsonValueKind.String, events[1].GetProperty("properties").GetProperty("Buyer").ValueKind);
    }

    [Fact]
    public async Task SerilogHost_AddSerilogWriteToProviders_ShipsThroughAddThreadedHttp()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddThreadedHttp(options =>
        {
            options.Host = collector.Host;
            options.Format = HttpLogFormat.JsonBatch;
            options.User = "serilog-host";
            options.LevelPollInterval = TimeSpan.Zero;
        }));
        services.AddSerilog((_, configuration) => configuration.MinimumLevel.Debug().Enrich.WithProperty("Shop", "north"), writeToProviders: true);
        await using (var provider = services.BuildServiceProvider())
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Shop.Orders");
            logger.LogInformation("Placed {OrderId} by {@Buyer}", 42, new Buyer("ann", [7]));
            Serilog.Log.Logger = provider.GetRequiredService<Serilog.ILogger>();
            Serilog.Log.ForContext("SourceContext", "Orders").Warning("Late {Items}", new[] { 1, 2 });
            Assert.True(provider.GetServices<ILoggerProvider>().OfType<ThreadedHttpHandler>().Single().Flush(TimeSpan.FromSeconds(30)));
        }

        var events = await collector.EventsAsync("serilog-host");
        Assert.Equal(2, events.Count);
        Assert.Equal("Shop.Orders", events[0].GetProperty("category").GetString());
        Assert.Equal("""{"$type":"Buyer","Name":"ann","Tags":[7]}""", events[0].GetProperty("properties").GetProperty("Buyer").GetRawText());
        Assert.Equal("north", events[0].GetProperty("properties").GetProperty("Shop").GetString());
        Assert.Equal("Orders", events[1].GetProperty("category").GetString());
        Assert.Equal("[1,2]", events[1].GetProperty("properties").GetProperty("Items").GetRawText());
    }

    private ThreadedHttpHandler Handler(string user) => new(new ThreadedHttpHandlerOptions
    {
        Host = collector.Host,
        Url = "/log/{user}",
        Method = "POST",
        Format = HttpLogFormat.JsonBatch,
        User = user,
        LevelPollInterval = TimeSpan.Zero,
    });

    public sealed record Buyer(string Name, int[] Tags);

    /// <summary>Serilog's own text of each event (<c>LogEvent.RenderMessage()</c>), as a Serilog sink writes it.</summary>
    private sealed class RenderedMessages(List<string> messages) : Serilog.Core.ILogEventSink
    {
        public void Emit(Serilog.Events.LogEvent logEvent) => messages.Add(logEvent.RenderMessage());
    }
}
