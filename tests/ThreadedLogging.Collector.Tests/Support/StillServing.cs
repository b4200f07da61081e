using System.Net;
using System.Text.Json;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>What every adversarial test ends with: a normal client is still served, end to end.</summary>
internal static class StillServing
{
    public static async Task AssertAsync(CollectorFixture collector)
    {
        var user = "normal-" + Guid.NewGuid().ToString("N");
        var (status, body) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/" + user,
            Http.Utf8("""{"events":[{"message":"a normal client"}]}"""), "application/json");
        Assert.True(status == HttpStatusCode.OK, $"normal ingest -> {(int)status}: {body}");
        var stored = Assert.Single(await collector.EventsAsync("user=" + user));
        Assert.Equal("a normal client", stored.GetProperty("message").GetString());
        Assert.Equal("ok", (await collector.GetJsonAsync("health")).GetProperty("status").GetString());
    }

    public static async Task<List<string?>> MessagesAsync(CollectorFixture collector, string query) =>
        [.. (await collector.EventsAsync(query)).Select(e => e.GetProperty("message").GetString())];

    /// <summary>The user's event count from <c>/api/users</c> (kept in the events' transaction), 0 when unknown.</summary>
    public static async Task<long> TotalOfUserAsync(CollectorFixture collector, string user)
    {
        var users = await collector.GetJsonAsync("api/users");
        return users.GetProperty("users").EnumerateArray().Where(u => u.GetProperty("user").GetString() == user)
            .Select(u => u.GetProperty("total").GetInt64()).SingleOrDefault();
    }

    public static string Property(JsonElement e, string name) => e.GetProperty("properties").GetProperty(name).GetString()!;
}
