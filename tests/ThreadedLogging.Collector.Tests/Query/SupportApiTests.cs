using System.Globalization;
using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Query;

/// <summary>What the support console reads (issue 10): one event, its context, the users list, the live stream.</summary>
public sealed class SupportApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
    private CollectorFixture _collector = null!;

    public async Task InitializeAsync() => _collector = await CollectorFixture.StartAsync("--Collector:MaxLiveStreams=2");

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    [Fact]
    public async Task Event_ByIdAndContext_SameObjectAndNeighboursInSequenceOrder()
    {
        await PostAsync("ctx", [.. Enumerable.Range(1, 7).Select(i => Event(i, i == 5 ? "Error" : "Information", $"step {i}"))]);
        var listed = (await _collector.EventsAsync("user=ctx&levels=Error")).Single();
        var id = listed.GetProperty("id").GetInt64();

        var one = await _collector.GetJsonAsync($"api/events/{id}");
        var context = await _collector.GetJsonAsync($"api/events/{id}/context?count=2");
        using var missing = await _collector.Client.GetAsync(new Uri($"api/events/{id + 999}", UriKind.Relative));
        using var badCount = await _collector.Client.GetAsync(new Uri($"api/events/{id}/context?count=0", UriKind.Relative));

        Assert.Equal(listed.GetRawText(), one.GetRawText());
        Assert.Equal(["step 3", "step 4"], context.GetProperty("before").EnumerateArray().Select(e => e.GetProperty("message").GetString()));
        Assert.Equal("step 5", context.GetProperty("event").GetProperty("message").GetString());
        Assert.Equal(["step 6", "step 7"], context.GetProperty("after").EnumerateArray().Select(e => e.GetProperty("message").GetString()));
        Assert.Equal("sequence", context.GetProperty("by").GetString());
        Assert.False(context.TryGetProperty("same", out _));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badCount.StatusCode);
    }

    [Fact]
    public async Task Users_SortSearchWindowAndPaging_AsDocumented()
    {
        await PostAsync("Zoe", [Event(1, "Error", "zoe failed", minutes: 0), Event(2, "Information", "zoe ok", minutes: 50)]);
        await PostAsync("yann", [Event(1, "Critical", "yann crashed", minutes: 10)]);
        await PostAsync("xavier", [Event(1, "Information", "fine", minutes: 55)]);
        var window = "from=2026-11-24T07:00:00Z&to=2026-11-24T09:00:00Z";

        var byError = await _collector.GetJsonAsync($"api/users?sort=latestError&{window}");
        var searched = await _collector.GetJsonAsync($"api/users?search=OE&{window}");
        var first = await _collector.GetJsonAsync($"api/users?limit=2&{window}");
        var second = await _collector.GetJsonAsync($"api/users?limit=2&{window}&after={first.GetProperty("next").GetString()}");

        Assert.Equal(["yann", "Zoe", "xavier"], Names(byError));
        var zoe = byError.GetProperty("users")[1];
        Assert.Equal("zoe failed", zoe.GetProperty("latestError").GetProperty("message").GetString());
        Assert.Equal(1, zoe.GetProperty("windowLevels").GetProperty("Error").GetInt64());
        Assert.Equal(["PC-1"], zoe.GetProperty("machines").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["Payroll 2.3.1"], zoe.GetProperty("versions").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(JsonValueKind.Null, byError.GetProperty("users")[2].GetProperty("latestError").ValueKind);
        Assert.Equal(["Zoe"], Names(searched));
        Assert.Equal(["xavier", "Zoe"], Names(first));
        Assert.Equal(["yann"], Names(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("sort=loudest", "'sort'")]
    [InlineData("sort=7", "'sort'")] // Enum.TryParse took numbers (any, as lastSeen) and lists
    [InlineData("sort=lastSeen,name", "'sort'")]
    [InlineData("after=%25%25", "'after'")]
    [InlineData("from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z", "'from'")]
    [InlineData("who=me", "unknown parameter 'who'")]
    [InlineData("search=%20%20", "parameter 'search' has no word to find (was '  ')")] // every user, as if searched for
    [InlineData("search=%09", "parameter 'search' has no word to find (was '\t')")]
    public async Task Users_BadParameter_400WithReason(string query, string reason)
    {
        using var response = await _collector.Client.GetAsync(new Uri("api/users?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, Http.Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "api/events/{id}?usr=alice", "unknown parameter 'usr' (this endpoint takes none)")]
    [InlineData("GET", "api/events/{id}/context?cnt=2", "unknown parameter 'cnt' (count)")]
    [InlineData("GET", "api/events/{id}/context?count=2&count=3", "parameter 'count' is given more than once")]
    [InlineData("GET", "api/events/{id}/context?count=0", "parameter 'count' must be an integer between 1 and 200 (was '0')")]
    [InlineData("GET", "api/events/{id}/context?count=ten", "parameter 'count' must be an integer between 1 and 200 (was 'ten')")]
    [InlineData("GET", "api/levels?user=alice", "unknown parameter 'user' (this endpoint takes none)")]
    [InlineData("DELETE", "api/levels/{id}?force=true", "unknown parameter 'force' (this endpoint takes none)")]
    [InlineData("GET", "api/ingest/sqs?limit=1", "unknown parameter 'limit' (this endpoint takes none)")]
    [InlineData("GET", "api/ingest/sqs/poison?limit=x", "parameter 'limit' must be an integer between 1 and 1000 (was 'x')")]
    public async Task EveryReadAndAdminEndpoint_UnknownOrBadParameter_400NamingIt(string method, string url, string reason)
    {
        // These took any parameter: a misspelt one looked like it worked (the event, its context, the rules came back).
        await PostAsync("params", [Event(1, "Information", "an event to ask about")]);
        var id = (await _collector.EventsAsync("user=params")).Single().GetProperty("id").GetInt64();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url.Replace("{id}", id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), UriKind.Relative));

        using var response = await _collector.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(reason, Http.Error(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task EffectiveLevels_UnknownParameter_StillAnswered()
    {
        // Clients poll this one and ignore a failed answer: a newer client's extra parameter must not cost it its levels.
        var levels = await _collector.GetJsonAsync("api/levels/effective?app=Payroll&user=alice&future=1");

        Assert.Equal(JsonValueKind.Array, levels.GetProperty("levels").ValueKind);
    }

    [Fact]
    public async Task Users_ClientClockAhead_CountedInTheDefaultWindow()
    {
        // Ingest takes times up to Collector:MaxClockSkew (a day) ahead; the window ended at the collector's now.
        await PostAsync("fast", [new { timestamp = DateTimeOffset.UtcNow.AddHours(5).ToString("O"), level = "Error", message = "clock runs fast", sequence = 1 }]);

        var page = await _collector.GetJsonAsync("api/users?search=fast");
        var fromNow = await _collector.GetJsonAsync($"api/users?search=fast&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture))}");

        Assert.Equal(1, page.GetProperty("users")[0].GetProperty("windowLevels").GetProperty("Error").GetInt64());
        Assert.Equal(1, fromNow.GetProperty("users")[0].GetProperty("windowLevels").GetProperty("Error").GetInt64());
        Assert.True(page.GetProperty("windowTo").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(5), page.GetProperty("windowTo").GetRawText());
    }

    [Theory]
    [InlineData("to=0001-01-01T00:00:00Z")]
    [InlineData("to=0001-01-01T00:00:00-14:00")]
    public async Task Users_ToWithinADayOfYearOne_WindowStartsAtTheBeginningOfTime(string query)
    {
        // The default window (24 h before 'to') went below DateTimeOffset.MinValue: 500.
        await PostAsync("walter", [Event(1, "Error", "walter failed")]);

        var page = await _collector.GetJsonAsync("api/users?" + query);

        Assert.Equal("0001-01-01T00:00:00+00:00", page.GetProperty("windowFrom").GetString());
        Assert.Contains("walter", Names(page));
    }

    [Fact]
    public async Task Stream_EventAfterOpen_DeliveredFilteredAndResumedAfterDrop()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // a bound on a hang, not a timing assertion
        string lastId;
        using (var stream = await OpenStreamAsync("user=live&levels=Error", null, bound.Token))
        {
            await PostAsync("other", [Event(1, "Error", "not this user")]);
            await PostAsync("live", [Event(1, "Information", "not this level"), Event(2, "Error", "first live error")]);

            var item = await stream.NextAsync(bound.Token);
            Assert.Equal("message", item.EventType);
            var e = JsonDocument.Parse(item.Data).RootElement;
            Assert.Equal("first live error", e.GetProperty("message").GetString());
            var listed = (await _collector.EventsAsync("user=live&levels=Error")).Single();
            Assert.Equal(listed.GetRawText(), e.GetRawText());
            lastId = item.EventId!;
        }

        await PostAsync("live", [Event(3, "Error", "sent while away")]);
        using var resumed = await OpenStreamAsync("user=live&levels=Error", lastId, bound.Token);
        var missed = await resumed.NextAsync(bound.Token);

        Assert.Equal("sent while away", JsonDocument.Parse(missed.Data).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Stream_DroppedBeforeItsFirstEvent_ResumedAtReadysIdDeliversWhatCameMeanwhile()
    {
        // An EventSource resends the last id it saw; with none (ready had none) the stream started again at "now".
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // a bound on a hang, not a timing assertion
        string? readyId;
        using (var stream = await OpenStreamAsync("user=away", null, bound.Token))
        {
            readyId = stream.ReadyId;
            await PostAsync("elsewhere", [Event(1, "Error", "another user's")]); // a commit the stream reads and skips
        }

        Assert.NotNull(readyId);
        await PostAsync("away", [Event(2, "Error", "stored while away")]);
        using var resumed = await OpenStreamAsync("user=away", readyId, bound.Token);
        var missed = await resumed.NextAsync(bound.Token);

        Assert.Equal("stored while away", JsonDocument.Parse(missed.Data).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Stream_PropertyFilter_OnlyMatchingEventsDelivered()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // a bound on a hang, not a timing assertion
        using var stream = await OpenStreamAsync("user=props&property=OrderId%3D7&property=Flag%3Dtrue", null, bound.Token);

        await PostAsync("props", [
            new { timestamp = Start.ToString("O"), message = "other order", properties = new { OrderId = 8, Flag = true } },
            new { timestamp = Start.ToString("O"), message = "not flagged", properties = new { OrderId = 7, Flag = false } },
            new { timestamp = Start.ToString("O"), message = "order 7 flagged", properties = new { OrderId = 7.0, Flag = true } },
        ]);
        var item = await stream.NextAsync(bound.Token);

        Assert.Equal("order 7 flagged", JsonDocument.Parse(item.Data).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Stream_LastEventIdPastTheLastCommit_DeliversLikeAnUnknownId()
    {
        // A tampered position of this run, past its last commit, waited for that commit: nothing was ever delivered.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // a bound on a hang, not a timing assertion
        var epoch = _collector.Services.GetRequiredService<IEventStore>().Commits.Epoch;
        using var stream = await OpenStreamAsync("user=ahead", $"{epoch}.9223372036854775807.0", bound.Token);

        await PostAsync("ahead", [Event(1, "Error", "after a tampered id")]);
        var item = await stream.NextAsync(bound.Token);

        Assert.Equal("after a tampered id", JsonDocument.Parse(item.Data).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Stream_MoreThanMaxStreams_429WithReason()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var one = await OpenStreamAsync(string.Empty, null, bound.Token);
        using var two = await OpenStreamAsync(string.Empty, null, bound.Token);

        using var third = await _collector.Client.GetAsync(new Uri("api/events/stream", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, bound.Token);
        using var bad = await _collector.Client.GetAsync(new Uri("api/events/stream?q=%22open", UriKind.Relative), bound.Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("MaxLiveStreams", Http.Error(await third.Content.ReadAsStringAsync(bound.Token)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private static List<string?> Names(JsonElement page) => [.. page.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("user").GetString())];

    private static object Event(int sequence, string level, string message, int minutes = 0) => new
    {
        timestamp = Start.AddMinutes(minutes).AddMilliseconds(sequence).ToString("O"),
        level,
        message,
        sequence,
    };

    private async Task PostAsync(string user, object[] events)
    {
        var body = JsonSerializer.Serialize(new { app = "Payroll", version = "2.3.1", machine = "PC-1", instanceId = "inst-" + user + Guid.NewGuid().ToString("N"), user, events });
        var (status, text) = await Http.SendAsync(_collector.Client, HttpMethod.Post, "log/" + user, Http.Utf8(body), "application/json");
        Assert.True(status == HttpStatusCode.OK, text);
    }

    private async Task<SseStream> OpenStreamAsync(string query, string? lastEventId, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/events/stream?" + query, UriKind.Relative));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await _collector.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var items = SseParser.Create(await response.Content.ReadAsStreamAsync(cancellationToken)).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var stream = new SseStream(response, items);
        // The stream listens once "ready" is read: whatever is posted after it is delivered.
        var ready = await stream.NextAsync(cancellationToken, skipPings: false);
        Assert.Equal("ready", ready.EventType);
        stream.ReadyId = ready.EventId;
        return stream;
    }

    private sealed class SseStream(HttpResponseMessage response, IAsyncEnumerator<SseItem<string>> items) : IDisposable
    {
        /// <summary>Gets the SSE id of the stream's "ready" event: what an EventSource resends if it drops before any event.</summary>
        public string? ReadyId { get; set; }

        public async Task<SseItem<string>> NextAsync(CancellationToken cancellationToken, bool skipPings = true)
        {
            while (await items.MoveNextAsync())
            {
                if (!skipPings || items.Current.EventType != "ping")
                {
                    return items.Current;
                }
            }

            throw new InvalidOperationException("the stream ended");
        }

        public void Dispose()
        {
            _ = items.DisposeAsync().AsTask();
            response.Dispose();
        }
    }
}
