using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>
/// Security review: past <see cref="SessionStore.MaxSessions"/> the oldest sessions of all were dropped, so whoever holds the
/// read key could end the admin's session by signing in 10,000 times. The oldest of the key holding the most go first now.
/// </summary>
public sealed class SessionEvictionTests
{
    [Fact]
    public async Task SignIn_ReadKeyFillsTheSessions_AdminSessionKeptReadKeysOldestDropped()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:ReadApiKey=read-key", "--Collector:AdminApiKey=admin-key");
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = collector.BaseAddress };
        var origin = collector.BaseAddress.GetLeftPart(UriPartial.Authority);

        var admin = await SignInAsync(browser, origin, "admin-key");
        var firstRead = await SignInAsync(browser, origin, "read-key");
        await Parallel.ForEachAsync(Enumerable.Range(0, SessionStore.MaxSessions), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (_, _) => await SignInAsync(browser, origin, "read-key"));

        var adminSession = await GetSessionAsync(browser, admin);
        Assert.True(adminSession.GetProperty("signedIn").GetBoolean(), adminSession.GetRawText());
        Assert.True(adminSession.GetProperty("canChangeLevels").GetBoolean(), adminSession.GetRawText());
        Assert.False((await GetSessionAsync(browser, firstRead)).GetProperty("signedIn").GetBoolean()); // the read key's oldest made room
    }

    private static async Task<string> SignInAsync(HttpClient browser, string origin, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("auth/sign-in", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key }),
        };
        request.Headers.Add("Origin", origin);
        using var response = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return Assert.Single(response.Headers.GetValues("Set-Cookie")).Split(';')[0];
    }

    private static async Task<JsonElement> GetSessionAsync(HttpClient browser, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("auth/session", UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        using var response = await browser.SendAsync(request);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
