using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>
/// The kinds of events: <c>GET /api/events/top?field=template</c> counts the events by message template (JsonBatch's
/// <c>template</c>, CLEF's <c>@mt</c>, Python's <c>msg</c>, OTLP's original format), or by message when an event has
/// none; <c>template=</c> lists, exports and counts the events of one kind. A bad one is a 400 naming <c>template</c>.
/// </summary>
public sealed class TemplateFilterApiTests : IAsyncLifetime
{
    private const string Paid = "Order {OrderId} paid";
    private CollectorFixture _collector = null!;

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartAsync();
        var batch = JsonSerializer.Serialize(new
        {
            app = "Web",
            user = "alice",
            events = new object[]
            {
                new { timestamp = "2026-11-24T08:00:00Z", template = Paid, message = "Order 1 paid", properties = new { OrderId = 1 } },
                new { timestamp = "2026-11-24T08:00:01Z", level = "Error", template = Paid, message = "Order 2 paid", properties = new { OrderId = 2 } },
                new { timestamp = "2026-11-24T08:00:02Z", message = "no template here" },
            },
        });
        const string Clef = """
            {"@t":"2026-11-24T08:00:03Z","@mt":"Order {OrderId} paid","OrderId":3,"User":"bob"}
            """;
        const string Python = "name=shop&msg=Order+%25s+paid&args=%284%2C%29&levelno=40&levelname=ERROR&created=1795507204.0";
        await Http.PostStoredAsync(_collector.Client, "log/alice", batch);
        foreach (var (url, body, type) in new[] { ("ingest/clef", Clef, "application/vnd.serilog.clef"), ("log/carol", Python, "application/x-www-form-urlencoded") })
        {
            var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, url, Http.Utf8(body), type);
            Assert.True((int)status is >= 200 and < 300, $"{url}: {(int)status} {text}");
        }
    }

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Fact]
    public async Task Top_Templates_TheKindsOfEveryFormatMostFirst()
    {
        var top = await _collector.GetJsonAsync("api/events/top?field=template");

        Assert.Equal("template", top.GetProperty("field").GetString());
        Assert.Equal((5L, 3L), (top.GetProperty("total").GetInt64(), top.GetProperty("distinct").GetInt64()));
        var values = top.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal([Paid, "Order %s paid", "no template here"], values.Select(v => v.GetProperty("value").GetString()));
        Assert.Equal([3L, 1, 1], values.Select(v => v.GetProperty("count").GetInt64()));
        Assert.Equal([1L, 1, 0], values.Select(v => v.GetProperty("errors").GetInt64()));
    }

    [Theory]
    [InlineData("template=Order%20%7BOrderId%7D%20paid", new[] { "Order 3 paid", "Order 2 paid", "Order 1 paid" })]
    [InlineData("template=Order%20%25s%20paid", new[] { "Order 4 paid" })]
    [InlineData("template=no%20template%20here", new[] { "no template here" })]
    [InlineData("template=Order%20%7BOrderId%7D%20paid&user=alice&level=Error", new[] { "Order 2 paid" })]
    [InlineData("template=Order%20%7BOrderId%7D%20paid&q=3", new[] { "Order 3 paid" })]
    [InlineData("template=order%20%7Borderid%7D%20paid", new string[0])]
    [InlineData("template=Order%201%20paid", new string[0])]
    public async Task Events_Template_OnlyThatKind(string query, string[] expected)
    {
        var events = await _collector.EventsAsync(query);

        Assert.Equal(expected, events.Select(e => e.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task ExportHistogramAndTop_Template_OnlyThatKind()
    {
        const string Kind = "template=Order%20%7BOrderId%7D%20paid";
        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Get, "api/events/export?format=ndjson&" + Kind);
        var histogram = await _collector.GetJsonAsync("api/events/histogram?" + Kind + "&from=2026-11-24T08:00:00Z&to=2026-11-24T08:01:00Z&buckets=1");
        var users = await _collector.GetJsonAsync("api/events/top?field=user&" + Kind);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(3, histogram.GetProperty("total").GetInt64());
        Assert.Equal(1, histogram.GetProperty("buckets")[0].GetProperty("error").GetInt64());
        Assert.Equal(["alice", "bob"], users.GetProperty("values").EnumerateArray().Select(v => v.GetProperty("value").GetString()));
    }

    [Theory]
    [InlineData("api/events")]
    [InlineData("api/events/export")]
    [InlineData("api/events/histogram")]
    [InlineData("api/events/top?field=user")]
    [InlineData("api/events/stream")]
    public async Task Request_TemplateTooLongOrRepeated_400WithReason(string url)
    {
        var separator = url.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Get, url + separator + "template=" + new string('x', 4001));
        var (twiceStatus, twiceBody) = await Http.SendAsync(_collector.Client, HttpMethod.Get, url + separator + "template=a&template=b");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"parameter 'template' is longer than 4000 characters (was '{new string('x', 100)}…', a value of 4001 characters)", Http.Error(body), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, twiceStatus);
        Assert.Contains("parameter 'template' is given more than once", Http.Error(twiceBody), StringComparison.Ordinal);
    }
}
