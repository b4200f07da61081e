using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// Values as .NET apps log them, through the real client into the real collector process, read back through its
/// API: what arrives must be what a Serilog or OpenTelemetry user would find there, and one odd value must never
/// cost other events or the app.
/// </summary>
public sealed class ValueFidelityTests(ValueFidelityTests.Collector collector) : IClassFixture<ValueFidelityTests.Collector>
{
    [Fact]
    public async Task Log_TextCutInsideASurrogatePair_ArrivesWithAReplacementCharAndTheNextEventsToo()
    {
        var cut = "Ticket from 👍"[..^1]; // a user's text cut at a length, inside the emoji's pair: a lone high surrogate

        var events = await collector.LogAsync("sam", logger =>
        {
            logger.LogWarning(cut); // no holes: the message is its own template
            logger.LogInformation("Next {N}", 2);
        });

        Assert.Equal(["Ticket from \uFFFD", "Next 2"], events.Select(e => e.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Log_CollectionThatHoldsItself_CallReturnsAndTheEventArrivesCutAtADepth()
    {
        var node = new List<object> { 1 };
        node.Add(node); // a graph with a cycle: the log call overflowed the caller's stack (the process died)

        var events = await collector.LogAsync("cyd", logger => logger.LogInformation("Graph {Node}", node));

        var value = Assert.Single(events).GetProperty("properties").GetProperty("Node");
        var depth = 0;
        for (; value.ValueKind == JsonValueKind.Array; value = value[1], depth++)
        {
            Assert.Equal(1, value[0].GetInt32());
        }

        Assert.Equal((10, "System.Collections.Generic.List`1[System.Object]"), (depth, value.GetString()));
    }

    [Fact]
    public async Task Log_DictionariesOfAnyKeyAndValueType_ArriveAsObjectsAndRenderAsMelDoes()
    {
        var stock = new Dictionary<string, int> { ["apples"] = 3, ["pears"] = 0 };
        var names = new SortedDictionary<int, string> { [7] = "seven" };

        var events = await collector.LogAsync("dora", logger => logger.LogInformation("Stock {Stock} names {Names}", stock, names));

        var logged = Assert.Single(events);
        Assert.Equal("Stock [apples, 3], [pears, 0] names [7, seven]", logged.GetProperty("message").GetString());
        var properties = logged.GetProperty("properties");
        Assert.Equal("""{"apples":3,"pears":0}""", properties.GetProperty("Stock").GetRawText());
        Assert.Equal("""{"7":"seven"}""", properties.GetProperty("Names").GetRawText());
    }

    /// <summary>One collector process for the class; each test logs as its own user.</summary>
    public sealed class Collector : IAsyncLifetime
    {
        private readonly CollectorProcess _process = new();

        public Task InitializeAsync() => _process.StartAsync();

        public Task DisposeAsync() => _process.DisposeAsync().AsTask();

        /// <summary>Logs through a real <see cref="ILoggerFactory"/> with AddThreadedHttp as <paramref name="user"/>, flushes, and returns what the collector stored, in order.</summary>
        public async Task<List<JsonElement>> LogAsync(string user, Action<ILogger> log)
        {
            var services = new ServiceCollection().AddLogging(logging => logging.AddThreadedHttp(options =>
            {
                options.Host = _process.Host;
                options.Format = HttpLogFormat.JsonBatch;
                options.User = user;
                options.LevelPollInterval = TimeSpan.Zero;
            }));
            await using (var provider = services.BuildServiceProvider())
            {
                log(provider.GetRequiredService<ILoggerFactory>().CreateLogger("Values"));
                Assert.True(provider.GetServices<ILoggerProvider>().OfType<ThreadedHttpHandler>().Single().Flush(TimeSpan.FromSeconds(30)));
            }

            return [.. (await _process.EventsAsync(user)).OrderBy(e => e.GetProperty("sequence").GetInt64())];
        }
    }
}
