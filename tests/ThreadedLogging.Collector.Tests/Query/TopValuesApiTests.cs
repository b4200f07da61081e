using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary><c>GET /api/events/top</c>: which users, apps, versions, machines and categories the filters of <c>/api/events</c> select, most events first.</summary>
public sealed class TopValuesApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
    private CollectorFixture _collector = null!;

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartAsync();
        // "card declined" errors: bob 3 on Shop 2.4.1, alice 1 on Shop 2.5.0; everyone also logs "login ok".
        await PostAsync("bob", "Shop", "2.4.1", "PC-B", ("Error", "card declined"), ("Error", "card declined"), ("Critical", "card declined"), ("Information", "login ok"));
        await PostAsync("alice", "Shop", "2.5.0", "PC-A", ("Error", "card declined"), ("Information", "login ok"), ("Information", "login ok"));
        await PostAsync("carol", "Admin", "1.0", "PC-C", ("Warning", "login ok"));
    }

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Fact]
    public async Task Top_UsersOfASearch_MostEventsFirstWithErrorsAndNewest()
    {
        var body = await _collector.GetJsonAsync("api/events/top?field=user&q=declined");

        Assert.Equal("user", body.GetProperty("field").GetString());
        Assert.Equal(4, body.GetProperty("total").GetInt64());
        Assert.Equal(2, body.GetProperty("distinct").GetInt64());
        Assert.Equal(0, body.GetProperty("withoutValue").GetInt64());
        var values = body.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(["bob", "alice"], values.Select(v => v.GetProperty("value").GetString()));
        Assert.Equal([3L, 1L], values.Select(v => v.GetProperty("count").GetInt64()));
        Assert.Equal([3L, 1L], values.Select(v => v.GetProperty("errors").GetInt64()));
        Assert.Equal(Start.AddSeconds(2), values[0].GetProperty("newest").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("field=version", new[] { "Shop 2.4.1", "Shop 2.5.0", "Admin 1.0" }, new long[] { 4, 3, 1 })]
    [InlineData("field=version&levels=Error,Critical", new[] { "Shop 2.4.1", "Shop 2.5.0" }, new long[] { 3, 1 })]
    [InlineData("field=APP&count=1", new[] { "Shop" }, new long[] { 7 })]
    [InlineData("field=machine&user=ALICE", new[] { "PC-A" }, new long[] { 3 })]
    [InlineData("field=category&level=Warning", new[] { "Checkout" }, new long[] { 5 })]
    [InlineData("field=user&from=2026-11-24T08:00:02Z&to=2026-11-24T08:00:03Z", new[] { "bob", "alice" }, new long[] { 2, 1 })]
    [InlineData("field=user&q=refund", new string[0], new long[0])]
    public async Task Top_FieldsAndFilters_CountWhatTheListShows(string query, string[] expected, long[] counts)
    {
        var body = await _collector.GetJsonAsync("api/events/top?" + query);

        var values = body.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(expected, values.Select(v => v.GetProperty("value").GetString()));
        Assert.Equal(counts, values.Select(v => v.GetProperty("count").GetInt64()));
    }

    [Theory]
    [InlineData("api/events/top?field=version&count=2")]
    [InlineData("api/events/summary?top=version&count=2")]
    public async Task Top_Version_AppAndVersionApartBesideTheLabel(string path)
    {
        var body = await _collector.GetJsonAsync(path);

        var top = path.Contains("summary", StringComparison.Ordinal) ? body.GetProperty("top")[0] : body;
        var values = top.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(["Shop 2.4.1", "Shop 2.5.0"], values.Select(v => v.GetProperty("value").GetString()));
        Assert.Equal(["Shop", "Shop"], values.Select(v => v.GetProperty("app").GetString()));
        Assert.Equal(["2.4.1", "2.5.0"], values.Select(v => v.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task Top_OtherFields_NoAppOrVersionApart()
    {
        var body = await _collector.GetJsonAsync("api/events/top?field=machine");

        var first = body.GetProperty("values")[0];
        Assert.Equal("PC-B", first.GetProperty("value").GetString());
        Assert.False(first.TryGetProperty("app", out _));
        Assert.False(first.TryGetProperty("version", out _));
    }

    [Fact]
    public async Task Top_PropertyFilter_CountsOnlyTheEventsWithThatValue()
    {
        var body = JsonSerializer.Serialize(new
        {
            user = "dave",
            events = new object[]
            {
                new { timestamp = Start, message = "checkout", properties = new { OrderId = 48151623 } },
                new { timestamp = Start.AddSeconds(1), message = "checkout", properties = new { OrderId = 42 } },
            },
        });
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/dave", Http.Utf8(body), "application/json")).Status);

        var top = await _collector.GetJsonAsync("api/events/top?field=user&property=OrderId%3D48151623");

        Assert.Equal(1, top.GetProperty("total").GetInt64());
        Assert.Equal("dave", Assert.Single(top.GetProperty("values").EnumerateArray()).GetProperty("value").GetString());
    }

    [Theory]
    [InlineData("", "parameter 'field' is required (user, app, version, machine, category, template)")]
    [InlineData("field=level", "parameter 'field' must be one of user, app, version, machine, category, template (was 'level')")]
    [InlineData("field=user&count=0", "parameter 'count' must be an integer between 1 and 100 (was '0')")]
    [InlineData("field=user&count=101", "parameter 'count' must be an integer between 1 and 100 (was '101')")]
    [InlineData("field=user&limit=5", "unknown parameter 'limit'")]
    [InlineData("field=user&field=app", "parameter 'field' is given more than once")]
    [InlineData("field=user&level=Loud", "parameter 'level' must be")]
    public async Task Top_BadParameter_400WithTheReason(string query, string reason)
    {
        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Get, "api/events/top?" + query, null, null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, JsonDocument.Parse(text).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private async Task PostAsync(string user, string app, string version, string machine, params (string Level, string Message)[] events)
    {
        var body = JsonSerializer.Serialize(new
        {
            batchId = user,
            app,
            version,
            machine,
            user,
            events = events.Select((e, i) => new { timestamp = Start.AddSeconds(i), level = e.Level, category = e.Level == "Information" ? "Login" : "Checkout", message = e.Message }).ToArray(),
        });
        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/" + user, Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }
}
