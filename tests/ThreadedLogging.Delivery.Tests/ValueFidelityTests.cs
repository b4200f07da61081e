using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// Values as .NET apps log them, through the real client into the real collector process, read back through its
/// API: what arrives must be what a Serilog or OpenTelemetry user would find there, and one odd value must never
/// cost other events or the app.
/// </summary>
public sealed class ValueFidelityTests(SharedCollector collector) : IClassFixture<SharedCollector>
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

    [Fact]
    public async Task Log_DestructuringOperator_ObjectsArriveAsTheirPropertiesAndTheMessageAsMelRendersIt()
    {
        var order = new Order("o-1", 12.5m, new Customer("alice"), [new Line("A", 2)]);
        var channel = new { Name = "web", Port = 443 };

        var events = await collector.LogAsync("desi", logger => logger.LogInformation("Placed {@Order} via {@Channel} at {@Sensor}", order, channel, new Sensor()));

        var logged = Assert.Single(events);
        Assert.Equal($"Placed {order} via {channel} at {new Sensor()}", logged.GetProperty("message").GetString());
        var properties = logged.GetProperty("properties");
        Assert.Equal(
            """{"$type":"Order","Id":"o-1","Total":12.5,"Buyer":{"$type":"Customer","Name":"alice"},"Lines":[{"$type":"Line","Sku":"A","Qty":2}]}""",
            properties.GetProperty("@Order").GetRawText());
        Assert.Equal("""{"Name":"web","Port":443}""", properties.GetProperty("@Channel").GetRawText());
        Assert.Equal("""{"$type":"Sensor","Name":"probe","Reading":"\u003CReading: InvalidOperationException\u003E"}""", properties.GetProperty("@Sensor").GetRawText());
    }

    [Fact]
    public async Task Log_DestructuredObjectWithASecret_MemberMaskedInPropertiesAndMessage()
    {
        var login = new Login("ann", "hunter2", new Customer("acme"));

        var events = await collector.LogAsync("lena", logger => logger.LogInformation("Signed in {@Login}", login));

        var logged = Assert.Single(events);
        Assert.Equal("Signed in Login { User = ann, Password = ***, Tenant = Customer { Name = acme } }", logged.GetProperty("message").GetString());
        Assert.Equal(
            """{"$type":"Login","User":"ann","Password":"***","Tenant":{"$type":"Customer","Name":"acme"}}""",
            logged.GetProperty("properties").GetProperty("@Login").GetRawText());
    }

    [Fact]
    public async Task Log_EventLargerThanTheCollectorTakes_ArrivesWithItsLongTextsCutAndTheNextEventToo()
    {
        var body = new string('b', 300_000); // a request body, over the collector's 256 KiB an event
        var error = new InvalidOperationException("bad payload " + new string('m', 300_000));

        var events = await collector.LogAsync("otto", logger =>
        {
            logger.LogError(error, "Request {Path} failed with body {Body}", "/orders", body);
            logger.LogInformation("Next {N}", 2);
        });

        Assert.Equal(2, events.Count);
        var cut = events[0];
        var marker = "… [truncated from 300000 characters]";
        Assert.Equal("/orders", cut.GetProperty("properties").GetProperty("Path").GetString());
        Assert.Equal(new string('b', 16 * 1024) + marker, cut.GetProperty("properties").GetProperty("Body").GetString());
        Assert.Equal("Request /orders failed with body " + new string('b', (16 * 1024) - 33) + "… [truncated from 300033 characters]", cut.GetProperty("message").GetString());
        var exception = cut.GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Equal("bad payload " + new string('m', (16 * 1024) - 12) + "… [truncated from 300012 characters]", exception.GetProperty("message").GetString());
        Assert.Equal("Next 2", events[1].GetProperty("message").GetString());
    }

    [Fact]
    public async Task LogError_ExceptionWhoseMessageThrows_ArrivesWithItsTypeAndTheNextEventsToo()
    {
        var events = await collector.LogAsync("tess", logger =>
        {
            logger.LogError(new BrokenMessageException(), "Import failed");
            logger.LogInformation("Next {N}", 2);
        });

        Assert.Equal(["Import failed", "Next 2"], events.Select(e => e.GetProperty("message").GetString()));
        var exception = events[0].GetProperty("exception");
        Assert.Equal(typeof(BrokenMessageException).FullName, exception.GetProperty("type").GetString());
        Assert.Equal("<Message threw InvalidOperationException: resource missing>", exception.GetProperty("message").GetString());
    }

    [Fact]
    public async Task BeginScope_ScopeWhoseToStringThrows_EventsInsideArriveWithTheScopeNamed()
    {
        var events = await collector.LogAsync("ulla", logger =>
        {
            using (logger.BeginScope(new BrokenScope()))
            {
                logger.LogInformation("Inside {N}", 1);
            }
        });

        var logged = Assert.Single(events);
        Assert.Equal("Inside 1", logged.GetProperty("message").GetString());
        Assert.Equal("<BrokenScope: InvalidOperationException>", logged.GetProperty("context").GetProperty("scopes")[0].GetString());
    }

    [Fact]
    public async Task Log_RequestHeaders_ArriveAsAnObjectWithTheAuthorizationMasked()
    {
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary { ["Authorization"] = "Bearer s3cret", ["Accept"] = "application/json" };

        var events = await collector.LogAsync("hedy", logger => logger.LogInformation("Request headers {Headers}", headers));

        var logged = Assert.Single(events);
        Assert.Equal("""{"Authorization":"***","Accept":["application/json"]}""", logged.GetProperty("properties").GetProperty("Headers").GetRawText());
        Assert.Equal("Request headers [Authorization, ***], [Accept, application/json]", logged.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Log_Bytes_ArriveAsHexAsSerilogWritesThemThroughMemoryOrTheSpool(bool spool)
    {
        // Before: [222,173,190,239] and, for a 4 KiB body, 1,000 numbers; the collector's API and console show what arrives.
        using var directory = new ThreadedLogging.Testing.TempDirectory();
        var body = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();

        var events = await collector.LogAsync(
            spool ? "byron" : "bytes",
            logging =>
            {
                if (spool)
                {
                    logging.AddConfiguration(new ConfigurationBuilder()
                        .AddInMemoryCollection(new Dictionary<string, string?> { ["ThreadedHttp:BufferDirectory"] = directory.Path }).Build());
                }
            },
            factory => factory.CreateLogger("Values").LogInformation("Hash {Hash} of {Body}", new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }, body));

        var logged = Assert.Single(events);
        var properties = logged.GetProperty("properties");
        Assert.Equal("DEADBEEF", properties.GetProperty("Hash").GetString());
        Assert.Equal("000102030405060708090A0B0C0D0E0F... (4096 bytes)", properties.GetProperty("Body").GetString());
        Assert.StartsWith("Hash 222, 173, 190, 239 of 0, 1, 2, ", logged.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private sealed record Order(string Id, decimal Total, Customer Buyer, IReadOnlyList<Line> Lines);

    private sealed record Customer(string Name);

    private sealed record Login(string User, string Password, Customer Tenant);

    private sealed record Line(string Sku, int Qty);

    private sealed class Sensor
    {
        public string Name => "probe";

        public int Reading => throw new InvalidOperationException("not connected");
    }

    /// <summary>An exception whose message is made when read, and fails (a missing resource, a faulty override).</summary>
    private sealed class BrokenMessageException : Exception
    {
        public override string Message => throw new InvalidOperationException("resource missing");
    }

    /// <summary>A scope object whose text cannot be made.</summary>
    private sealed class BrokenScope
    {
        public override string ToString() => throw new InvalidOperationException("no text");
    }
}
