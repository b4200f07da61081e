using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>
/// <c>property=Name=value</c> over what every format stores as properties (JsonBatch <c>properties</c>, CLEF's fields
/// without <c>@</c>, OTLP attributes, Python's extra fields), in the list, the export, the histogram and the top values; repeated and
/// AND-ed; a bad one is a 400 naming <c>property</c> and quoting it. The live tail: <c>SupportApiTests</c>.
/// </summary>
public sealed class PropertyFilterApiTests : IAsyncLifetime
{
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
                new { timestamp = "2026-11-24T08:00:00Z", message = "checkout", properties = new { OrderId = 48151623, Action = "Checkout" } },
                new { timestamp = "2026-11-24T08:00:01Z", message = "viewed", properties = new { OrderId = 48151623, Action = "View" } },
                new { timestamp = "2026-11-24T08:00:02Z", message = "other order 48151623", properties = new { OrderId = 42, Action = "Checkout" } },
            },
        });
        var clef = """
            {"@t":"2026-11-24T08:00:03Z","@mt":"charging","OrderId":48151623.0,"Action":"Charge","Application":"Billing"}
            """;
        var otlp = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"Payments"}}]},
              "scopeLogs":[{"logRecords":[{"timeUnixNano":"1795507204000000000","severityNumber":17,"body":{"stringValue":"card declined"},
                "attributes":[{"key":"OrderId","value":{"intValue":"48151623"}}]}]}]}]}
            """;
        var python = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "shop",
            ["msg"] = "python order",
            ["levelno"] = "20",
            ["levelname"] = "INFO",
            ["created"] = "1795507205.0",
            ["OrderId"] = "48151623",
        });
        foreach (var (url, content) in new (string, HttpContent)[]
        {
            ("log/alice", Json(batch, "application/json")),
            ("ingest/clef", Json(clef, "application/vnd.serilog.clef")),
            ("v1/logs", Json(otlp, "application/json")),
            ("log/bob", python),
        })
        {
            using var response = await _collector.Client.PostAsync(new Uri(url, UriKind.Relative), content);
            Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        static ByteArrayContent Json(string text, string type)
        {
            var content = new ByteArrayContent(Http.Utf8(text));
            content.Headers.TryAddWithoutValidation("Content-Type", type);
            return content;
        }
    }

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [InlineData("property=OrderId%3D48151623", new[] { "python order", "card declined", "charging", "viewed", "checkout" })]
    [InlineData("property=OrderId=48151623&property=Action=Checkout", new[] { "checkout" })]
    [InlineData("property=OrderId%3D48151623&user=bob", new[] { "python order" })]
    [InlineData("property=Action%3DCheckout&q=order", new[] { "other order 48151623" })]
    [InlineData("property=Action=Checkout&Property=Action=View", new string[0])]
    [InlineData("property=orderid%3D48151623", new string[0])]
    public async Task Events_PropertyFilter_OnlyMatchingEventsOfEveryFormat(string query, string[] expected)
    {
        var events = await _collector.EventsAsync(query);

        Assert.Equal(expected, events.Select(e => e.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task ExportHistogramAndTop_PropertyFilter_OnlyMatchingEvents()
    {
        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Get, "api/events/export?format=ndjson&property=Action%3DCheckout&property=OrderId%3D48151623");
        var histogram = await _collector.GetJsonAsync("api/events/histogram?property=OrderId%3D48151623&from=2026-11-24T08:00:00Z&to=2026-11-24T08:01:00Z&buckets=1");
        var top = await _collector.GetJsonAsync("api/events/top?field=user&property=OrderId%3D48151623");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["checkout"], body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("message").GetString()));
        Assert.Equal(5, histogram.GetProperty("total").GetInt64());
        Assert.Equal(1, histogram.GetProperty("buckets")[0].GetProperty("error").GetInt64());
        Assert.Equal(5, top.GetProperty("total").GetInt64());
        Assert.Equal(2, top.GetProperty("values").EnumerateArray().Single(v => v.GetProperty("value").GetString() == "alice").GetProperty("count").GetInt64());
    }

    [Theory]
    [InlineData("api/events?property=OrderId", "parameter 'property' must be Name=value (no '=' in 'OrderId')")]
    [InlineData("api/events?property=", "parameter 'property' must be Name=value (no '=' in '')")]
    [InlineData("api/events?property=%3D5", "parameter 'property' needs a property name before '=' (was '=5')")]
    [InlineData("api/events?property=Order%01Id%3D5", "parameter 'property': the name holds a control character or line separator (was 'Order\u0001Id=5')")]
    // The line separators, refused in an alert rule's name since 85496e7, went through (a 200, no event).
    [InlineData("api/events?property=Order%E2%80%A8Id%3D5", "parameter 'property': the name holds a control character or line separator (was 'Order\u2028Id=5')")]
    [InlineData("api/events?property=Order%E2%80%A9Id%3D5", "parameter 'property': the name holds a control character or line separator (was 'Order\u2029Id=5')")]
    [InlineData("api/events/export?property=OrderId", "(no '=' in 'OrderId')")]
    [InlineData("api/events/histogram?property=OrderId", "(no '=' in 'OrderId')")]
    [InlineData("api/events/stream?property=OrderId", "(no '=' in 'OrderId')")]
    [InlineData("api/events?property=a%3D1&property=a%3D2&user=a&user=b", "parameter 'user' is given more than once")]
    public async Task Request_BadPropertyFilter_400WithReason(string url, string reason)
    {
        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Get, url);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, Http.Error(body), StringComparison.Ordinal);
    }

    /// <summary>
    /// A value is at most 1000 characters (what <c>q</c> takes): no identifier needs more, and each of its words would be
    /// one more term of the full-text phrase that narrows the search. The reason quotes its start and counts it.
    /// </summary>
    [Theory]
    [InlineData("api/events")]
    [InlineData("api/events/export")]
    [InlineData("api/events/histogram")]
    [InlineData("api/events/top?field=user")]
    [InlineData("api/events/stream")]
    public async Task Request_ValueTooLong_400QuotingItsStart(string endpoint)
    {
        var value = new string('x', 100_000);
        var url = endpoint + (endpoint.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "property=Note%3D" + value;

        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Get, url);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal($"parameter 'property': the value is longer than 1000 characters (was 'Note={new string('x', 95)}…', a value of 100000 characters)", Http.Error(body));
    }

    [Fact]
    public async Task Request_ValueOfTheLongestLength_Taken()
    {
        var value = new string('7', 1000);

        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Get, "api/events?property=OrderId%3D" + value);

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(0, JsonDocument.Parse(body).RootElement.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task Request_NameTooLongOrTooManyConditions_400WithReason()
    {
        var longName = new string('n', 201);
        var nine = string.Join('&', Enumerable.Range(0, 9).Select(i => $"property=P{i}%3D{i}"));

        var (longStatus, longBody) = await Http.SendAsync(_collector.Client, HttpMethod.Get, $"api/events?property={longName}%3D1");
        var (nineStatus, nineBody) = await Http.SendAsync(_collector.Client, HttpMethod.Get, "api/events?" + nine);
        var eight = await _collector.EventsAsync(string.Join('&', Enumerable.Range(0, 8).Select(_ => "property=OrderId%3D48151623")));

        Assert.Equal(HttpStatusCode.BadRequest, longStatus);
        Assert.Contains($"parameter 'property': the name is longer than 200 characters (was '{longName[..100]}…', a name of 201 characters)", Http.Error(longBody), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, nineStatus);
        Assert.Contains("parameter 'property' is given 9 times, at most 8 are taken (the 9th was 'P8=8')", Http.Error(nineBody), StringComparison.Ordinal);
        Assert.Equal(5, eight.Count);
    }
}
