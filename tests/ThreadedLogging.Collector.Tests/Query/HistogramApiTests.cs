using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary><c>GET /api/events/histogram</c>: the filters of <c>/api/events</c> counted by time and level, round bucket widths, the range resolved, bad parameters refused.</summary>
public sealed class HistogramApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] Users = ["alice", "bob", "carol"];
    private static readonly string[] Levels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];
    private readonly FakeTimeProvider _time = new(Start.AddHours(2));
    private CollectorFixture _collector = null!;

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartAsync(services => services.AddSingleton<TimeProvider>(_time));
        // 60 events, one a minute from 08:00: user i%3, level i%6.
        foreach (var user in Users)
        {
            var events = Enumerable.Range(0, 60).Where(i => Users[i % 3] == user)
                .Select(i => new { timestamp = Start.AddMinutes(i).ToString("O"), level = Levels[i % 6], message = $"Invoice {i} " + (i % 10 == 0 ? "rejected" : "paid"), sequence = i })
                .ToArray();
            var body = JsonSerializer.Serialize(new { batchId = user, instanceId = "seed", user, events });
            var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, $"log/{user}", Http.Utf8(body), "application/json");
            Assert.True(status == HttpStatusCode.OK, text);
        }
    }

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Fact]
    public async Task Histogram_HourInSixBuckets_TenMinuteBarsByLevel()
    {
        var body = await _collector.GetJsonAsync("api/events/histogram?from=2026-11-24T08:00:00Z&to=2026-11-24T08:59:59Z&buckets=6");

        Assert.Equal(600, body.GetProperty("bucketSeconds").GetInt64());
        Assert.Equal(60, body.GetProperty("total").GetInt64());
        var buckets = body.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => Start.AddMinutes(10 * i)), buckets.Select(b => b.GetProperty("start").GetDateTimeOffset()));
        Assert.All(buckets, b => Assert.Equal(10, b.GetProperty("total").GetInt64()));
        foreach (var level in Levels)
        {
            Assert.Equal(10, buckets.Sum(b => b.GetProperty(JsonNamingPolicy.CamelCase.ConvertName(level)).GetInt64()));
        }

        // Minute 0: Trace; minute 1: Debug, …: the first bucket holds minutes 0–9.
        Assert.Equal([2L, 2L, 2L, 2L, 1L, 1L], Levels.Select(l => buckets[0].GetProperty(JsonNamingPolicy.CamelCase.ConvertName(l)).GetInt64()));
    }

    [Theory]
    [InlineData("user=bob&level=Error", new long[] { 1, 2, 2, 1, 2, 2 })] // minutes 4, 10, 16, …, 58
    [InlineData("q=rejected", new long[] { 1, 1, 1, 1, 1, 1 })] // minutes 0, 10, …, 50
    [InlineData("user=alice&q=rejected", new long[] { 1, 0, 0, 1, 0, 0 })] // minutes 0 and 30
    [InlineData("levels=Warning,Critical", new long[] { 3, 3, 4, 3, 3, 4 })]
    public async Task Histogram_Filters_CountWhatTheListShows(string filters, long[] totals)
    {
        const string Hour = "from=2026-11-24T08:00:00Z&to=2026-11-24T08:59:59Z";

        var body = await _collector.GetJsonAsync($"api/events/histogram?{Hour}&buckets=6&{filters}");
        var list = await _collector.EventsAsync($"{Hour}&{filters}");

        Assert.Equal(totals, body.GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("total").GetInt64()));
        Assert.Equal(list.Count, body.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Histogram_NoRange_FromTheOldestMatchToNowInRoundBuckets()
    {
        var body = await _collector.GetJsonAsync("api/events/histogram?user=carol");

        // Carol's first event (08:02) to now (10:00) in at most 60 buckets: 1 min would take 119, 2 min take 60.
        Assert.Equal(Start.AddMinutes(2), body.GetProperty("from").GetDateTimeOffset());
        Assert.Equal(Start.AddHours(2), body.GetProperty("to").GetDateTimeOffset());
        Assert.Equal(120, body.GetProperty("bucketSeconds").GetInt64());
        Assert.Equal(60, body.GetProperty("buckets").GetArrayLength());
        Assert.Equal(20, body.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Histogram_FromYearOneToYear9999_EveryEventCounted()
    {
        var body = await _collector.GetJsonAsync("api/events/histogram?from=0001-01-01&to=9999-12-31T23:59:59Z&buckets=500");

        Assert.Equal(60, body.GetProperty("total").GetInt64());
        Assert.InRange(body.GetProperty("buckets").GetArrayLength(), 1, 500);
    }

    [Fact]
    public async Task Histogram_NoMatchAndNoRange_EmptyWithoutARange()
    {
        var body = await _collector.GetJsonAsync("api/events/histogram?user=nobody");

        Assert.Equal(JsonValueKind.Null, body.GetProperty("from").ValueKind);
        Assert.Equal(0, body.GetProperty("buckets").GetArrayLength());
        Assert.Equal(0, body.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Histogram_ClientClockAhead_RangeReachesItsEvent()
    {
        var ahead = JsonSerializer.Serialize(new { batchId = "ahead", instanceId = "ahead", user = "dave", events = new[] { new { timestamp = Start.AddHours(7).ToString("O"), level = "Error", message = "from the future", sequence = 1 } } });
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/dave", Http.Utf8(ahead), "application/json")).Status);

        var body = await _collector.GetJsonAsync("api/events/histogram?user=dave");

        Assert.Equal(Start.AddHours(7), body.GetProperty("to").GetDateTimeOffset());
        Assert.Equal(1, body.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Histogram_FromWithoutTo_EndsNowOrAtTheMatchAheadOfTheClock()
    {
        async Task<(DateTimeOffset? From, DateTimeOffset? To, long Total)> Bars(string query)
        {
            var body = await _collector.GetJsonAsync("api/events/histogram?" + query);
            DateTimeOffset? At(string name) => body.GetProperty(name).ValueKind == JsonValueKind.Null ? null : body.GetProperty(name).GetDateTimeOffset();
            return (At("from"), At("to"), body.GetProperty("total").GetInt64());
        }

        // Nothing after now (10:00): the range ends now; a from after now is an empty answer, as before.
        Assert.Equal((Start, Start.AddHours(2), 60L), await Bars("from=2026-11-24T08:00:00Z"));
        Assert.Equal((null, null, 0L), await Bars("from=2026-11-24T14:00:00Z"));

        var ahead = JsonSerializer.Serialize(new { batchId = "ahead", instanceId = "ahead", user = "dave", events = new[] { new { timestamp = Start.AddHours(7).ToString("O"), level = "Error", message = "from the future", sequence = 1 } } });
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/dave", Http.Utf8(ahead), "application/json")).Status);

        // A match at 15:00 (a client's clock ahead) moves the end to it, from a from before now or after it; a filter
        // that leaves it out does not.
        Assert.Equal((Start, Start.AddHours(7), 61L), await Bars("from=2026-11-24T08:00:00Z"));
        Assert.Equal((Start.AddHours(6), Start.AddHours(7), 1L), await Bars("from=2026-11-24T14:00:00Z"));
        Assert.Equal((Start, Start.AddHours(2), 20L), await Bars("from=2026-11-24T08:00:00Z&user=carol"));
    }

    [Theory]
    [InlineData("buckets=0", "parameter 'buckets' must be an integer between 1 and 500 (was '0')")]
    [InlineData("buckets=501", "parameter 'buckets' must be an integer between 1 and 500 (was '501')")]
    [InlineData("buckets=ten", "parameter 'buckets' must be an integer between 1 and 500 (was 'ten')")]
    [InlineData("limit=5", "unknown parameter 'limit'")]
    [InlineData("before=1", "unknown parameter 'before'")]
    [InlineData("level=Loud", "parameter 'level' must be")]
    [InlineData("from=2026-11-24T09:00:00Z&to=2026-11-24T08:00:00Z", "'from'")]
    [InlineData("span=all", "parameter 'span' must be 'matches' or absent (was 'all')")]
    [InlineData("span=MATCHES", "parameter 'span' must be 'matches' or absent (was 'MATCHES')")]
    [InlineData("span=matches%20", "parameter 'span' must be 'matches' or absent (was 'matches ')")]
    [InlineData("span=24h", "parameter 'span' must be 'matches' or absent (was '24h')")]
    [InlineData("span=matches&span=matches", "parameter 'span' is given more than once")]
    public async Task Histogram_BadParameter_400WithTheReason(string query, string reason)
    {
        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Get, "api/events/histogram?" + query, null, null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, JsonDocument.Parse(text).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
