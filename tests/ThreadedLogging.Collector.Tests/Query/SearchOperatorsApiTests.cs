using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>
/// <c>q</c>'s operators through the real collector (docs/QUERY.md, "q"): what they find on <c>/api/events</c>, the same
/// grammar on every endpoint that takes <c>q</c> (histogram, top values, summary, export, alert rules), and the 400s.
/// </summary>
public sealed class SearchOperatorsApiTests : IAsyncLifetime
{
    private static readonly string[] Messages =
    [
        "timeout connecting to bank",
        "timeout, retry 1 of 3",
        "connection refused by bank",
        "connection refused, retry scheduled",
        "payment accepted",
        "payment refund reversed",
    ];

    private CollectorFixture _collector = null!;

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartAsync();
        var start = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
        var events = Messages.Select((message, i) => new { timestamp = start.AddMinutes(i).ToString("O"), level = "Information", message, sequence = i + 1 }).ToArray();
        var body = JsonSerializer.Serialize(new { batchId = "ops", instanceId = "seed", user = "alice", events });
        await Http.PostStoredAsync(_collector.Client, "log/alice", body);
    }

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Theory]
    [InlineData("timeout -retry", new[] { 1 })]
    [InlineData("(timeout OR refused) -retry", new[] { 1, 3 })]
    [InlineData("payment OR refund", new[] { 5, 6 })]
    [InlineData("payment or refund", new int[0])] // lower case: the word "or"
    [InlineData("bank NOT timeout", new[] { 3 })]
    [InlineData("retry AND scheduled", new[] { 4 })]
    [InlineData("\"refused,\" -\"retry scheduled\"", new[] { 3 })]
    public async Task Events_Operators_FindWhatTheyMean(string q, int[] expected)
    {
        var events = (await _collector.GetJsonAsync("api/events?q=" + Uri.EscapeDataString(q))).GetProperty("events").EnumerateArray();

        Assert.Equal(expected.Reverse(), events.Select(e => e.GetProperty("sequence").GetInt32()));
    }

    [Theory]
    [InlineData("api/events/histogram?")]
    [InlineData("api/events/top?field=user&")]
    [InlineData("api/events/summary?top=user&")]
    [InlineData("api/events/export?")]
    public async Task EveryEndpointWithQ_SameGrammar(string endpoint)
    {
        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Get, endpoint + "q=" + Uri.EscapeDataString("(timeout OR refused) -retry"));
        var (badStatus, badBody) = await Http.SendAsync(_collector.Client, HttpMethod.Get, endpoint + "q=" + Uri.EscapeDataString("timeout OR"));

        Assert.True(status == HttpStatusCode.OK, body);
        var matched = endpoint switch
        {
            "api/events/histogram?" => JsonDocument.Parse(body).RootElement.GetProperty("total").GetInt64(),
            "api/events/top?field=user&" => JsonDocument.Parse(body).RootElement.GetProperty("total").GetInt64(),
            "api/events/summary?top=user&" => JsonDocument.Parse(body).RootElement.GetProperty("histogram").GetProperty("total").GetInt64(),
            _ => body.Split('\n', StringSplitOptions.RemoveEmptyEntries).LongLength,
        };
        Assert.Equal(2, matched);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Equal("parameter 'q': 'OR' at position 9 has nothing after it", Http.Error(badBody));
    }

    [Theory]
    [InlineData("-retry", "parameter 'q': the search at position 1 only excludes (NOT, -): it needs a word to find beside what it excludes, e.g. 'timeout -retry'")]
    [InlineData("(timeout OR refused", "parameter 'q': '(' at position 1 is not closed")]
    [InlineData("timeout)", "parameter 'q': ')' at position 8 closes no '('")]
    [InlineData("OR timeout", "parameter 'q': 'OR' at position 1 has nothing before it")]
    [InlineData("timeout NOT", "parameter 'q': 'NOT' at position 9 must be followed by a word, a phrase or a group in parentheses")]
    public async Task Events_MalformedOperators_400NamingProblemAndPosition(string q, string reason)
    {
        var (status, body) = await Http.SendAsync(_collector.Client, HttpMethod.Get, "api/events?q=" + Uri.EscapeDataString(q));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(reason, Http.Error(body));
    }
}
