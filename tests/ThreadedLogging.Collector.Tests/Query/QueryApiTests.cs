using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary><c>GET /api/events</c> filters, keyset paging and full text; <c>GET /api/users</c>.</summary>
public sealed class QueryApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] Users = ["alice", "bob", "carol"];
    private static readonly string[] Apps = ["Payroll", "Ledger"];
    private static readonly string[] Levels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];
    private CollectorFixture _collector = null!;

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartAsync();
        // 60 events, one a minute: user i%3, app i%2, level i%6, machine PC-(i%4), path "<user>/PC-(i%4)".
        foreach (var user in Users)
        {
            foreach (var machine in Enumerable.Range(0, 4))
            {
                var events = Enumerable.Range(0, 60)
                    .Where(i => Users[i % 3] == user && i % 4 == machine)
                    .Select(i => new
                    {
                        timestamp = Start.AddMinutes(i).ToString("O"),
                        level = Levels[i % 6],
                        category = "Cat" + (i % 2),
                        message = i % 10 == 0 ? $"Invoice {i} rejected by bank" : $"Invoice {i} paid",
                        app = Apps[i % 2],
                        machine = $"PC-{i % 4}",
                        sequence = i,
                    })
                    .ToArray();
                var body = JsonSerializer.Serialize(new { batchId = $"{user}-{machine}", instanceId = "seed", user, events });
                var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, $"log/{user}/PC-{machine}", Http.Utf8(body), "application/json");
                Assert.True(status == HttpStatusCode.OK, text);
            }
        }
    }

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [InlineData("", 60)]
    [InlineData("user=alice", 20)]
    [InlineData("app=Ledger", 30)]
    [InlineData("machine=PC-1", 15)]
    [InlineData("user=alice&app=Payroll", 10)]
    [InlineData("path=bob", 20)]
    [InlineData("path=bob/PC-2", 5)]
    [InlineData("path=b", 20)]
    [InlineData("path=nobody", 0)]
    [InlineData("level=Error", 20)]
    [InlineData("level=warning", 30)]
    [InlineData("level=Critical&user=carol", 10)]
    [InlineData("level=Error&user=alice", 0)]
    [InlineData("from=2026-11-24T08:50:00Z", 10)]
    [InlineData("to=2026-11-24T08:09:00Z", 10)]
    [InlineData("from=2026-11-24T08:10:00Z&to=2026-11-24T08:19:59Z", 10)]
    [InlineData("q=rejected", 6)]
    [InlineData("q=REJECTED bank", 6)]
    [InlineData("q=rejected&user=alice", 2)]
    [InlineData("q=NEAR(invoice", 0)]
    [InlineData("q=invoi*", 60)]
    [InlineData("q=\"rejected by bank\"", 6)]
    [InlineData("q=\"bank rejected\"", 0)]
    [InlineData("q=\"by ban\"* invoice", 6)]
    [InlineData("user=ALICE", 20)]
    [InlineData("levels=Error,Critical", 20)]
    [InlineData("levels=Trace&user=Alice", 10)]
    [InlineData("instance=seed&levels=Debug", 10)]
    [InlineData("instance=other", 0)]
    [InlineData("noVersion=true", 60)]
    [InlineData("app=Ledger&noVersion=true", 30)]
    [InlineData("noApp=true", 0)]
    [InlineData("noMachine=true&noVersion=false", 0)]
    public async Task Events_Filter_ReturnsMatching(string query, int expected)
    {
        var events = await _collector.EventsAsync(query);

        Assert.Equal(expected, events.Count);
        var times = events.Select(e => e.GetProperty("timestamp").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);
    }

    [Fact]
    public async Task Events_Paging_VisitsEveryEventOnceNewestFirst()
    {
        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await _collector.GetJsonAsync("api/events?user=bob&limit=3" + (cursor is null ? string.Empty : "&before=" + cursor));
            seen.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
            cursor = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
            pages++;
        }
        while (cursor is not null && pages < 100);

        var expected = Enumerable.Range(0, 60).Where(i => i % 3 == 1).Select(i => (long)i).OrderDescending();
        Assert.Equal(expected, seen);
        Assert.Equal(7, pages);
    }

    [Fact]
    public async Task Events_Shape_HasEveryDocumentedField()
    {
        var e = (await _collector.GetJsonAsync("api/events?limit=1")).GetProperty("events").EnumerateArray().Single();

        foreach (var name in new[] { "id", "timestamp", "level", "category", "message", "template", "exception", "properties", "app", "version", "user", "machine", "path" })
        {
            Assert.True(e.TryGetProperty(name, out _), name);
        }
    }

    [Theory]
    [InlineData("level=Loud", "'level'")]
    [InlineData("limit=0", "'limit'")]
    [InlineData("limit=100000", "'limit'")]
    [InlineData("limit=ten", "'limit'")]
    [InlineData("from=yesterday", "'from'")]
    [InlineData("to=2026-13-01", "'to'")]
    [InlineData("before=abc", "'before'")]
    [InlineData("usr=alice", "unknown parameter 'usr'")]
    [InlineData("user=a&user=b", "more than once")]
    [InlineData("q=-%20-", "no word to search for")]
    [InlineData("q=%22unbalanced", "not closed")]
    [InlineData("q=a*", "at least 2")]
    [InlineData("q=ab*c", "must end")]
    [InlineData("q=*", "must follow a word")]
    [InlineData("levels=Error,Loud", "'levels'")]
    [InlineData("noApp=maybe", "parameter 'noApp' must be true or false (was 'maybe')")]
    [InlineData("machine=PC-1&noMachine=true", "parameters 'machine' and 'noMachine=true' exclude each other")]
    [InlineData("version=2.4.1&exactVersion=yes", "parameter 'exactVersion' must be true or false (was 'yes')")]
    [InlineData("exactVersion=true", "parameter 'exactVersion=true' needs 'version'")]
    public async Task Events_BadParameter_400WithReason(string query, string reason)
    {
        using var response = await _collector.Client.GetAsync(new Uri("api/events?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, Http.Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_SearchTooLong_400QuotingItsStart()
    {
        var q = string.Concat(Enumerable.Repeat("bank ", 201)); // 1,005 characters

        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Get, "api/events?q=" + Uri.EscapeDataString(q));
        var (longestStatus, longestBody) = await Http.SendAsync(_collector.Client, HttpMethod.Get, "api/events?q=" + new string('b', 1000));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("parameter 'q' is longer than 1000 characters (was 'bank bank bank bank bank bank bank bank bank bank bank bank bank bank bank bank bank bank bank bank …', a value of 1005 characters)", Http.Error(body));
        Assert.True(longestStatus == HttpStatusCode.OK, longestBody);
    }

    [Theory]
    [InlineData("q=rejected%00bank", 6)]
    [InlineData("q=%22rejected%00by%00bank%22", 6)]
    [InlineData("q=%00", -1)]
    public async Task Events_NulInFullText_SeparatesWordsLikePunctuation(string query, int expected)
    {
        // A NUL reached FTS5 inside a quoted term ('unterminated string') and PostgreSQL (no NUL in text): 500.
        using var response = await _collector.Client.GetAsync(new Uri("api/events?limit=1000&" + query, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        if (expected < 0)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("no word to search for", Http.Error(text), StringComparison.Ordinal);
            return;
        }

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(expected, JsonDocument.Parse(text).RootElement.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task Users_CountsByLevelAndLastSeen()
    {
        var users = (await _collector.GetJsonAsync("api/users")).GetProperty("users").EnumerateArray().ToList();

        Assert.Equal(["carol", "bob", "alice"], users.Select(u => u.GetProperty("user").GetString()));
        var alice = users.Single(u => u.GetProperty("user").GetString() == "alice");
        Assert.Equal(20, alice.GetProperty("total").GetInt64());
        // alice has i = 0, 3, 6, ...: levels i%6 ∈ {0, 3}.
        Assert.Equal(10, alice.GetProperty("levels").GetProperty("Trace").GetInt64());
        Assert.Equal(10, alice.GetProperty("levels").GetProperty("Warning").GetInt64());
        Assert.Equal(0, alice.GetProperty("levels").GetProperty("Error").GetInt64());
        Assert.Equal(Start.AddMinutes(57), alice.GetProperty("lastSeen").GetDateTimeOffset());
        Assert.Equal(Start, alice.GetProperty("firstSeen").GetDateTimeOffset());
        Assert.Equal("Ledger", alice.GetProperty("lastApp").GetString());
        Assert.Equal("PC-1", alice.GetProperty("lastMachine").GetString());
    }
}
