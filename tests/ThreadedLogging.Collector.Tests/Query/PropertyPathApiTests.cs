using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>
/// <c>property=Order.Id=7</c> through the HTTP API on each engine: a destructured object as each bridge stores it (the
/// ThreadedLogging client's <c>{@Order}</c> as <c>@Order</c>, Serilog's CLEF as <c>Order</c>), a top-level name with a
/// dot, two levels deep; arrays not indexed; a name with quotes, <c>$</c>, brackets and a space matching only itself.
/// </summary>
public abstract class PropertyPathApiTests : IAsyncLifetime
{
    private readonly TestStore _store;
    private CollectorFixture _collector = null!;

    private protected PropertyPathApiTests(TestStore store) => _store = store;

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartOnAsync(_store);
        var batch = JsonSerializer.Serialize(new
        {
            app = "Shop",
            user = "olga",
            events = new object[]
            {
                new { timestamp = "2026-11-24T08:00:00Z", message = "mel order", properties = new Dictionary<string, object> { ["@Order"] = new Dictionary<string, object> { ["$type"] = "Order", ["Id"] = 7, ["Customer"] = new { Name = "Ann" } } } },
                new { timestamp = "2026-11-24T08:00:01Z", message = "dotted name", properties = new Dictionary<string, object> { ["Order.Id"] = 7 } },
                new { timestamp = "2026-11-24T08:00:02Z", message = "hostile", properties = new Dictionary<string, object> { ["q\"t"] = new Dictionary<string, object> { ["$[0]"] = new Dictionary<string, object> { ["x y"] = "hit" } } } },
                new { timestamp = "2026-11-24T08:00:03Z", message = "array", properties = new Dictionary<string, object> { ["q\"t"] = new[] { new Dictionary<string, object> { ["x y"] = "hit" } } } },
                new { timestamp = "2026-11-24T08:00:04Z", message = "other order", properties = new { Order = new { Id = 8 } } },
            },
        });
        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/olga", Http.Utf8(batch), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
        var clef = """
            {"@t":"2026-11-24T08:00:05Z","@mt":"Placed {@Order}","@m":"serilog order","Order":{"$type":"Order","Id":7,"Lines":[{"Sku":"A-1"}]}}
            """;
        (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "ingest/clef", Http.Utf8(clef), "application/vnd.serilog.clef");
        Assert.True((int)status is >= 200 and < 300, text);
    }

    public Task DisposeAsync() => _collector.DisposeAsync().AsTask();

    [Theory]
    [InlineData("property=Order.Id%3D7", new[] { "serilog order", "dotted name", "mel order" })]
    [InlineData("property=Order.Id%3D8", new[] { "other order" })]
    [InlineData("property=@Order.Id%3D7", new[] { "mel order" })]
    [InlineData("property=Order.Customer.Name%3DAnn", new[] { "mel order" })]
    [InlineData("property=Order.Id%3D7&property=Order.Customer.Name%3DAnn", new[] { "mel order" })]
    [InlineData("property=Order.Lines.0.Sku%3DA-1", new string[0])] // arrays are not indexed
    [InlineData("property=q%22t.%24%5B0%5D.x%20y%3Dhit", new[] { "hostile" })]
    [InlineData("property=q%22t.0.x%20y%3Dhit", new string[0])]
    public async Task Events_PropertyPath_TheNestedMemberOfEveryBridge(string query, string[] expected)
    {
        var events = await _collector.EventsAsync(query);

        Assert.Equal(expected, events.Select(e => e.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task ExportAndTop_PropertyPath_OnlyMatchingEvents()
    {
        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Get, "api/events/export?format=ndjson&property=Order.Customer.Name%3DAnn");
        var top = await _collector.GetJsonAsync("api/events/top?field=app&property=Order.Id%3D7");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["mel order"], body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("message").GetString()));
        Assert.Equal(3, top.GetProperty("total").GetInt64());
    }
}

/// <summary>Property paths on the default store, SQLite.</summary>
public sealed class SqlitePropertyPathApiTests() : PropertyPathApiTests(TestStore.Sqlite);

/// <summary>Property paths on a real PostgreSQL (a database per test).</summary>
public sealed class PostgresPropertyPathApiTests() : PropertyPathApiTests(TestStore.Postgres);
