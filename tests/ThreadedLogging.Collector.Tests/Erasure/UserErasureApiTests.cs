using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Erasure;

/// <summary><c>DELETE /api/users/{user}</c> (and <c>?user=</c>) on the real collector: events ingested over HTTP, erased, looked for everywhere a reader can.</summary>
public sealed class UserErasureApiTests
{
    [Fact]
    public async Task Delete_AliceAfterHttpIngest_GoneFromEventsSearchAndUsersBobUntouched()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await IngestAliceAndBobAsync(collector);

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Delete, "api/users/alice");

        Assert.True(status == HttpStatusCode.OK, body);
        await AssertAliceErasedAsync(collector, body);
        var metrics = await collector.Client.GetStringAsync(new Uri("metrics", UriKind.Relative));
        Assert.Contains("threadedlogging_collector_erasure_events_total{", metrics, StringComparison.Ordinal);
        Assert.Matches(@"threadedlogging_collector_erasure_events_total\{[^}]*\} 4\b", metrics);
        Assert.Matches(@"threadedlogging_collector_erasure_requests_total\{[^}]*\} 1\b", metrics);
    }

    [Fact]
    public async Task Delete_TwiceThenAliceLogsAgain_SecondErasesNothingNewEventsStored()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await IngestAliceAndBobAsync(collector);
        await Http.SendAsync(collector.Client, HttpMethod.Delete, "api/users/alice");

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Delete, "api/users/Alice");
        await Http.PostStoredAsync(collector.Client, "log/alice", Http.Envelope("after", new { message = "back again", level = "Warning" }));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, JsonDocument.Parse(body).RootElement.GetProperty("erased").GetInt64());
        var events = await collector.EventsAsync("user=alice");
        Assert.Equal(("back again", "alice"), (Assert.Single(events).GetProperty("message").GetString(), events[0].GetProperty("user").GetString()));
        var users = await UsersAsync(collector);
        Assert.Equal([("alice", 1L), ("bob", 2L)], users);
    }

    [Fact]
    public async Task Delete_NameWithSlash_ErasesThatUserOnly()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/a%2Fb", Http.Envelope(null, new { message = "slashed" }));
        await Http.PostStoredAsync(collector.Client, "log/a", Http.Envelope(null, new { message = "plain" }));

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Delete, "api/users/a%2Fb");

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(("a/b", 1L), (JsonDocument.Parse(body).RootElement.GetProperty("user").GetString(), JsonDocument.Parse(body).RootElement.GetProperty("erased").GetInt64()));
        Assert.Equal("plain", Assert.Single(await collector.EventsAsync()).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Delete_NameWithAnEscapedPercent_ErasesThatUserNotTheSlashedOne()
    {
        await using var collector = await CollectorFixture.StartAsync();
        await Http.PostStoredAsync(collector.Client, "log/a%2Fb", Http.Envelope(null, new { message = "slashed" }));
        await Http.PostStoredAsync(collector.Client, "log/a%252Fb", Http.Envelope(null, new { message = "percent" }));

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Delete, "api/users/a%252Fb");

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(("a%2Fb", 1L), (JsonDocument.Parse(body).RootElement.GetProperty("user").GetString(), JsonDocument.Parse(body).RootElement.GetProperty("erased").GetInt64()));
        var left = Assert.Single(await collector.EventsAsync());
        Assert.Equal(("slashed", "a/b"), (left.GetProperty("message").GetString(), left.GetProperty("user").GetString()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Delete_UserInTheQuery_ErasesNamesNoPathSegmentCarries(bool onPostgres)
    {
        // review14: older versions stored these names; /api/users/.. is /api to Kestrel, /api/users/. is /api/users, and
        // Kestrel refuses %00 in a path. Ingest refuses them now, so they are written to the store as those versions did.
        await using var collector = await CollectorFixture.StartOnAsync(onPostgres ? TestStore.Postgres : TestStore.Sqlite);
        var names = new[] { "..", ".", "a\0b", "a+b/c%2F", "bob" };
        await collector.Services.GetRequiredService<IEventStore>().AppendAsync(
            new EventBatch(null, [.. names.Select(name => new NewEvent { Timestamp = DateTimeOffset.UtcNow, Level = LogLevel.Information, Message = "by " + name, User = name })]),
            CancellationToken.None);

        var erased = new List<(string?, long)>();
        foreach (var query in new[] { "user=..", "user=.", "user=a%00b", "user=a%2Bb%2Fc%252F" })
        {
            var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Delete, "api/users?" + query);
            Assert.True(status == HttpStatusCode.OK, $"{query}: {status} {body}");
            var answer = JsonDocument.Parse(body).RootElement;
            erased.Add((answer.GetProperty("user").GetString(), answer.GetProperty("erased").GetInt64()));
        }

        // PostgreSQL text holds no NUL: that name was stored with U+FFFD in its place, and is looked for so.
        Assert.Equal([("..", 1L), (".", 1L), ("a\0b", 1L), ("a+b/c%2F", 1L)], erased);
        Assert.Equal([("bob", 1L)], await UsersAsync(collector));
    }

    [Theory]
    [InlineData("api/users/", "a user name is required")]
    [InlineData("api/users?user=", "a user name is required")]
    [InlineData("api/users/?name=alice", "unknown parameter 'name' (user)")]
    [InlineData("api/users/bob?user=alice", "give the user in the path or in ?user=, not both")]
    [InlineData("api/users?user=alice&user=bob", "parameter 'user' is given more than once")]
    public async Task Delete_NoNameOrUnknownParameter_400WithReason(string url, string reason)
    {
        await using var collector = await CollectorFixture.StartAsync();

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Delete, url);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, Http.Error(body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/users/")]
    [InlineData("api/users?user=")]
    public async Task Delete_NameLongerThanAnyStored_400WithOneReasonInEitherForm(string url)
    {
        // The path's reason was its own ("the user name is 17 characters long; no stored name is longer than
        // Collector:MaxFieldLength (16)"), the query's the one of every query parameter.
        await using var collector = await CollectorFixture.StartAsync("--Collector:MaxFieldLength=16");

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Delete, url + new string('a', 17));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            "parameter 'user' is longer than 16 characters (was 'aaaaaaaaaaaaaaaaa', a value of 17 characters)",
            Http.Error(body));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("read-key", HttpStatusCode.Forbidden)]
    [InlineData("ingest-key", HttpStatusCode.Forbidden)]
    [InlineData("admin-key", HttpStatusCode.OK)]
    public async Task Delete_WithKeys_OnlyAdminKeyErases(string? key, HttpStatusCode expected)
    {
        await using var collector = await CollectorFixture.StartAsync(
            "--Collector:IngestApiKeys:0=ingest-key", "--Collector:ReadApiKey=read-key", "--Collector:AdminApiKey=admin-key");
        using var ingest = new HttpRequestMessage(HttpMethod.Post, new Uri("log/alice", UriKind.Relative)) { Content = new ByteArrayContent(Http.Utf8(Http.Envelope(null, new { message = "m" }))) };
        ingest.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        ingest.Headers.Add("X-Api-Key", "ingest-key");
        using (var stored = await collector.Client.SendAsync(ingest))
        {
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri("api/users/alice", UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using var response = await collector.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        using var count = new HttpRequestMessage(HttpMethod.Get, new Uri("api/events?user=alice", UriKind.Relative));
        count.Headers.Add("X-Api-Key", "read-key");
        using var left = await collector.Client.SendAsync(count);
        var events = JsonDocument.Parse(await left.Content.ReadAsStringAsync()).RootElement.GetProperty("events").GetArrayLength();
        Assert.Equal(expected == HttpStatusCode.OK ? 0 : 1, events);
    }

    [Fact]
    public async Task Delete_OnPostgres_AliceGoneBobUntouched()
    {
        await using var collector = await CollectorFixture.StartOnAsync(TestStore.Postgres);
        await IngestAliceAndBobAsync(collector);

        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Delete, "api/users/alice");
        var (again, secondBody) = await Http.SendAsync(collector.Client, HttpMethod.Delete, "api/users/alice");

        Assert.True(status == HttpStatusCode.OK, body);
        await AssertAliceErasedAsync(collector, body);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(0, JsonDocument.Parse(secondBody).RootElement.GetProperty("erased").GetInt64());
    }

    /// <summary>alice: 3 events with "marmalade" and one as "Alice" (the same user to the filter); bob: 2 events.</summary>
    private static async Task IngestAliceAndBobAsync(CollectorFixture collector)
    {
        await Http.PostStoredAsync(collector.Client, "log/alice", Http.Envelope("a1",
            new { message = "marmalade order 1", level = "Information" },
            new { message = "marmalade order 2", level = "Error" },
            new { message = "marmalade order 3", level = "Information" }));
        await Http.PostStoredAsync(collector.Client, "log/Alice", Http.Envelope("a2", new { message = "refund", level = "Information" }));
        await Http.PostStoredAsync(collector.Client, "log/bob", Http.Envelope("b1",
            new { message = "jam order 1", level = "Information" },
            new { message = "jam order 2", level = "Error" }));
    }

    private static async Task AssertAliceErasedAsync(CollectorFixture collector, string body)
    {
        var answer = JsonDocument.Parse(body).RootElement;
        Assert.Equal(("alice", 4L), (answer.GetProperty("user").GetString(), answer.GetProperty("erased").GetInt64()));
        Assert.Empty(await collector.EventsAsync("user=alice"));
        Assert.Empty(await collector.EventsAsync("q=marmalade"));
        Assert.Equal(2, (await collector.EventsAsync("q=order")).Count);
        Assert.Equal(["bob", "bob"], (await collector.EventsAsync()).Select(e => e.GetProperty("user").GetString()));
        Assert.Equal([("bob", 2L)], await UsersAsync(collector));
    }

    private static async Task<List<(string?, long)>> UsersAsync(CollectorFixture collector) =>
        [.. (await collector.GetJsonAsync("api/users?sort=name")).GetProperty("users").EnumerateArray()
            .Select(u => (u.GetProperty("user").GetString(), u.GetProperty("total").GetInt64()))];
}
