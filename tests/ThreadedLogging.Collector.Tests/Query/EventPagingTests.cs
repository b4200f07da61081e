using System.Globalization;
using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>
/// <c>GET /api/events</c> on each engine where paging and time parameters are at their edges: many events of one
/// millisecond on both sides of midnight UTC (a day partition's edge), walked with small pages through <c>next</c>;
/// <c>from</c>/<c>to</c> on those instants; times written in forms that are not ISO 8601.
/// </summary>
public abstract class EventPagingTests : IAsyncLifetime
{
    private const int PerInstant = 25;
    private static readonly DateTimeOffset Midnight = new(DateTime.UtcNow.Date, TimeSpan.Zero);
    private const int Total = 4 * PerInstant;
    private static readonly DateTimeOffset[] Instants = [Midnight.AddDays(-1), Midnight.AddMilliseconds(-1), Midnight, Midnight.AddMilliseconds(1)];
    private readonly TestStore _store;
    private CollectorFixture _collector = null!;

    private protected EventPagingTests(TestStore store) => _store = store;

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartOnAsync(_store);
        // Each instant's events in three batches, the instants interleaved: arrival order is not time order.
        for (var part = 0; part < 3; part++)
        {
            foreach (var (instant, n) in Instants.Select((t, n) => (t, n)).Reverse())
            {
                var events = Enumerable.Range(0, PerInstant).Where(i => i % 3 == part).Select(i => new
                {
                    timestamp = instant.ToString("O", CultureInfo.InvariantCulture),
                    level = i % 2 == 0 ? "Information" : "Error",
                    category = "Paging",
                    message = $"instant {n} event {i:00}",
                    sequence = (n * PerInstant) + i,
                });
                var body = JsonSerializer.Serialize(new { batchId = $"b-{n}-{part}", instanceId = "paging", user = "pia", events });
                var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/pia", Http.Utf8(body), "application/json");
                Assert.True(status == HttpStatusCode.OK, text);
            }
        }
    }

    public Task DisposeAsync() => _collector.DisposeAsync().AsTask();

    [Theory]
    [InlineData("", 1, Total)]
    [InlineData("", 7, Total)]
    [InlineData("levels=Error", 4, (Total / 2) - 2)]
    [InlineData("q=instant&levels=Information", 9, (Total / 2) + 2)]
    public async Task Events_PagedWithNext_EveryEventOnceNewestFirst(string filter, int limit, int expected)
    {
        var all = await PageAllAsync(filter, limit);

        Assert.Equal(expected, all.Count);
        Assert.Equal(all.Count, all.Select(e => e.Id).Distinct().Count());
        Assert.Equal(all.Select(e => e.Id).OrderDescending(), all.Select(e => e.Id));
        Assert.Equal(all.Select(e => e.Time).OrderDescending(), all.Select(e => e.Time));
    }

    [Theory]
    [InlineData(2, null, 2 * PerInstant)] // from midnight: midnight and 1 ms after
    [InlineData(null, 1, 2 * PerInstant)] // to 1 ms before midnight: it and the day before
    [InlineData(1, 2, 2 * PerInstant)] // both edges inclusive, across the day's edge
    [InlineData(2, 2, PerInstant)] // from = to: that millisecond
    public async Task Events_FromToOnTheInstants_InclusiveOnBothEngines(int? from, int? to, int expected)
    {
        var query = string.Join('&', new[] { from is { } f ? "from=" + Param(Instants[f]) : null, to is { } t ? "to=" + Param(Instants[t]) : null }.OfType<string>());

        var all = await PageAllAsync(query, 6);

        Assert.Equal(expected, all.Count);
        Assert.All(all, e => Assert.InRange(e.Time, from is { } f ? Instants[f] : DateTimeOffset.MinValue, to is { } t ? Instants[t] : DateTimeOffset.MaxValue));
    }

    [Theory]
    [InlineData("from={0:yyyy-MM-dd}T01:00:00%2B01:00", 2)] // midnight UTC written in +01:00
    [InlineData("to={0:yyyy-MM-dd}T00:59:59.999%2B01:00", 2)] // 1 ms before it
    [InlineData("from={0:yyyy-MM-dd}", 2)] // a date: its midnight UTC
    [InlineData("from={0:yyyy-MM-dd} 00:00:00.001Z", 1)] // a space for the T, as RFC 3339 allows
    [InlineData("to={1:yyyy-MM-dd}T19:00:00.000-05:00", 3)] // midnight UTC written in -05:00, the day before
    public async Task Events_TimesWithOffsets_ReadAsTheInstantTheyName(string template, int instants)
    {
        var query = string.Format(CultureInfo.InvariantCulture, template, Midnight, Midnight.AddDays(-1));

        Assert.Equal(instants * PerInstant, (await PageAllAsync(query, 100)).Count);
    }

    [Theory]
    [InlineData("from=12/02/2026", "")] // US or European? read as 2 December before, 12 February by another reading
    [InlineData("from=02/12/2026", "")]
    [InlineData("to=10:00", "")] // a time of day: the collector's date
    [InlineData("from=Wed, 02 Dec 2026 10:00:00 GMT", "")]
    [InlineData("from=2026-12-02T10:00:00 01:00", "%2B")] // an offset's '+' typed into the URL arrives as a space
    [InlineData("to=2026-12-02T10:00:00Z%0A", "")]
    public async Task Events_TimeNotIso8601_400NamingTheParameter(string query, string hint)
    {
        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Get, "api/events?" + query.Replace(" ", "%20", StringComparison.Ordinal), null, null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var reason = Http.Error(body);
        Assert.Contains($"parameter '{query[..query.IndexOf('=', StringComparison.Ordinal)]}' must be an ISO 8601 time", reason, StringComparison.Ordinal);
        Assert.Contains(hint, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/events")]
    [InlineData("api/events/export?format=ndjson&")]
    [InlineData("api/events/stream")]
    [InlineData("api/users")]
    public async Task Range_FromAfterTo_400NamingBothEnds(string endpoint)
    {
        // The ends swapped: once an empty list (events, export, stream), as if nothing had been logged.
        var url = endpoint + (endpoint.EndsWith('&') ? string.Empty : "?") + "from=2026-12-02T10:00:00Z&to=2026-12-01T10:00:00%2B01:00";

        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Get, url, null, null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("parameter 'from' must not be after 'to' (from 2026-12-02T10:00:00.0000000Z, to 2026-12-01T09:00:00.0000000Z)", Http.Error(body));
    }

    private static string Param(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O", CultureInfo.InvariantCulture));

    private async Task<List<(long Id, DateTimeOffset Time)>> PageAllAsync(string filter, int limit)
    {
        var all = new List<(long Id, DateTimeOffset Time)>();
        string? next = null;
        for (var pages = 0; pages <= Total; pages++)
        {
            var query = $"user=pia&limit={limit}" + (filter.Length > 0 ? "&" + filter : string.Empty) + (next is null ? string.Empty : "&before=" + next);
            var page = await _collector.GetJsonAsync("api/events?" + query);
            all.AddRange(page.GetProperty("events").EnumerateArray().Select(e => (e.GetProperty("id").GetInt64(), e.GetProperty("timestamp").GetDateTimeOffset())));
            if (page.GetProperty("next") is { ValueKind: JsonValueKind.Null })
            {
                return all;
            }

            next = page.GetProperty("next").ToString();
        }

        Assert.Fail("paging never ended");
        return all;
    }
}

/// <summary>Paging and time parameters on the default store, SQLite.</summary>
public sealed class SqliteEventPagingTests() : EventPagingTests(TestStore.Sqlite);

/// <summary>Paging and time parameters on a real PostgreSQL (a database per test class instance).</summary>
public sealed class PostgresEventPagingTests() : EventPagingTests(TestStore.Postgres);
