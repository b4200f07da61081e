using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>
/// <c>GET /api/events/summary</c>: the histogram and the top values the console shows beside a timeline, in one request —
/// the same bodies <c>/api/events/histogram</c> and <c>/api/events/top</c> give, bad parameters refused.
/// </summary>
public sealed class SummaryApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] Levels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];
    private readonly FakeTimeProvider _time = new(Start.AddHours(2));
    private CollectorFixture _collector = null!;

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartAsync(services => services.AddSingleton<TimeProvider>(_time));
        // 90 events, one a minute from 08:00, from three users on two apps; every third without a template (its message is its kind).
        string[] users = ["alice", "bob", "carol"];
        foreach (var (user, u) in users.Select((user, u) => (user, u)))
        {
            var events = Enumerable.Range(0, 90).Where(i => i % 3 == u)
                .Select(i => new
                {
                    timestamp = Start.AddMinutes(i).ToString("O"),
                    level = Levels[(i * 7) % 6],
                    message = i % 3 == 2 ? "Login failed" : $"Invoice {i} " + (i % 4 == 0 ? "rejected" : "paid"),
                    template = i % 3 == 2 ? null : "Invoice {N} " + (i % 4 == 0 ? "rejected" : "paid"),
                    category = i % 2 == 0 ? "Billing" : "Login",
                    sequence = i,
                })
                .ToArray();
            var body = JsonSerializer.Serialize(new { batchId = user, instanceId = "seed-" + user, user, app = u == 2 ? "Admin" : "Shop", version = u == 0 ? "2.5.0" : "2.4.1", machine = "PC-" + user, events });
            var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, $"log/{user}", Http.Utf8(body), "application/json");
            Assert.True(status == HttpStatusCode.OK, text);
        }
    }

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [InlineData("")]
    [InlineData("from=2026-11-24T08:00:00Z&to=2026-11-24T08:59:59Z")]
    [InlineData("from=2026-11-24T08:20:00Z")]
    [InlineData("q=paid")]
    [InlineData("user=ALICE&from=2026-11-24T08:10:00Z")]
    [InlineData("levels=Error,Critical")]
    [InlineData("app=Shop&level=Warning")]
    [InlineData("template=Login%20failed")]
    [InlineData("q=nothing")]
    [InlineData("from=2026-11-25")]
    public async Task Summary_Filters_TheHistogramsAndEachTopValuesBodies(string filters)
    {
        var summary = await _collector.GetJsonAsync($"api/events/summary?{filters}&buckets=12&top=template,user,version,machine,category,app&count=2");

        var histogram = await _collector.GetJsonAsync($"api/events/histogram?{filters}&buckets=12");
        Assert.Equal(histogram.GetRawText(), summary.GetProperty("histogram").GetRawText());
        var top = summary.GetProperty("top").EnumerateArray().ToList();
        Assert.Equal(["template", "user", "version", "machine", "category", "app"], top.Select(t => t.GetProperty("field").GetString()));
        foreach (var field in top)
        {
            var alone = await _collector.GetJsonAsync($"api/events/top?{filters}&field={field.GetProperty("field").GetString()}&count=2");
            Assert.Equal(alone.GetRawText(), field.GetRawText());
        }
    }

    [Fact]
    public async Task Summary_Defaults_SixtyBucketsAndNoTopValues()
    {
        var summary = await _collector.GetJsonAsync("api/events/summary?from=2026-11-24T08:00:00Z&to=2026-11-24T08:59:59Z");

        Assert.Equal(60, summary.GetProperty("histogram").GetProperty("buckets").GetArrayLength());
        Assert.Equal(60, summary.GetProperty("histogram").GetProperty("total").GetInt64());
        Assert.Equal(0, summary.GetProperty("top").GetArrayLength());
    }

    [Theory]
    [InlineData("top=level", "parameter 'top' must list fields of user, app, version, machine, category, template, separated by commas (was 'level')")]
    [InlineData("top=user,,app", "parameter 'top' must list fields of user, app, version, machine, category, template, separated by commas (was 'user,,app')")]
    [InlineData("top=user,USER", "parameter 'top' names 'USER' more than once (was 'user,USER')")]
    [InlineData("top=user&count=0", "parameter 'count' must be an integer between 1 and 100 (was '0')")]
    [InlineData("top=user&buckets=501", "parameter 'buckets' must be an integer between 1 and 500 (was '501')")]
    [InlineData("top=user&field=user", "unknown parameter 'field'")]
    [InlineData("top=user&limit=5", "unknown parameter 'limit'")]
    [InlineData("top=user&top=app", "parameter 'top' is given more than once")]
    [InlineData("top=user&from=2026-11-24T09:00:00Z&to=2026-11-24T08:00:00Z", "parameter 'from' must not be after 'to'")]
    [InlineData("top=user&span=all", "parameter 'span' must be 'matches' or absent (was 'all')")]
    [InlineData("span=Matches", "parameter 'span' must be 'matches' or absent (was 'Matches')")]
    [InlineData("span=matches&span=all", "parameter 'span' is given more than once")]
    public async Task Summary_BadParameter_400WithTheReason(string query, string reason)
    {
        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Get, "api/events/summary?" + query, null, null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, JsonDocument.Parse(text).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
