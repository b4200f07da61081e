using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Security;

/// <summary>Security review: wrong keys at <c>/auth/sign-in</c> (and the API, the other way to guess the read key) were answered at full speed; after 10 a minute from one address, 429.</summary>
public sealed class SignInThrottleTests : IAsyncLifetime
{
    /// <summary>The default of <c>Collector:MaxWrongKeysPerMinute</c>.</summary>
    private const int MaxFailures = 10;

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly CollectingLoggerProvider _log = new();
    private CollectorFixture _collector = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartAsync(
            services => services.AddSingleton<TimeProvider>(_clock).AddSingleton<ILoggerProvider>(_log),
            "--Collector:ReadApiKey=read-key", "--Collector:IngestApiKeys:0=ingest-key");
        // Cookies by hand: a session is sent only where a test says so.
        _client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _collector.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _collector.DisposeAsync();
    }

    [Fact]
    public async Task SignIn_TenWrongKeysInAMinute_429WithRetryAfterEvenForTheRightKeyUntilTheMinuteEnds()
    {
        for (var i = 0; i < MaxFailures; i++)
        {
            using var wrong = await SignInAsync(_client, "wrong-key");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        _clock.Advance(TimeSpan.FromSeconds(20));
        using (var refused = await SignInAsync(_client, "read-key"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(40), refused.Headers.RetryAfter?.Delta);
            Assert.Contains("too many wrong keys from this address", Http.Error(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
            Assert.False(refused.Headers.Contains("Set-Cookie"));
        }

        var warning = Assert.Single(_log.Entries, e => e.Category.EndsWith(nameof(FailedSignIns), StringComparison.Ordinal));
        Assert.StartsWith("Sign-in from 127.0.0.1: 10 wrong keys", warning.Message, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromSeconds(40));
        using var signedIn = await SignInAsync(_client, "read-key");
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
    }

    [Fact]
    public async Task SignIn_AnotherAddressThrottled_ThisOneStillSignsIn()
    {
        using var other = LocalAddressClient.From(IPAddress.Parse("127.0.0.2"), _collector.BaseAddress);
        for (var i = 0; i < MaxFailures; i++)
        {
            using var wrong = await SignInAsync(other, "wrong-key");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var refused = await SignInAsync(other, "wrong-key");
        using var signedIn = await SignInAsync(_client, "read-key");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
    }

    [Fact]
    public async Task SignIn_NineWrongKeys_RightKeyStillSignsIn()
    {
        for (var i = 0; i < MaxFailures - 1; i++)
        {
            using var wrong = await SignInAsync(_client, "wrong-key");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var signedIn = await SignInAsync(_client, "read-key");

        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
    }

    [Fact]
    public async Task Api_TenWrongReadKeys_429ForKeysAndSignInButSessionsStillRead()
    {
        using var session = await SignInAsync(_client, "read-key");
        var cookie = session.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        for (var i = 0; i < MaxFailures; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await GetEventsAsync("wrong-key"));
        }

        using var signIn = await SignInAsync(_client, "read-key");

        Assert.Equal(HttpStatusCode.TooManyRequests, await GetEventsAsync("read-key"));
        Assert.Equal(HttpStatusCode.TooManyRequests, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await GetEventsAsync(null, cookie));
    }

    [Fact]
    public async Task SignInAndApi_WrongKeysFromMoreAddressesThanKept_NewAddressWithTheRightKeyServedAWrongOneStillLimited()
    {
        // Review17 sent one wrong key from each of 10,030 loopback addresses; the table is filled here in-process (one
        // wrong key each, as the filter counts them), the overflow then over HTTP from ten more addresses.
        var failures = _collector.Services.GetRequiredService<FailedSignIns>();
        for (var i = 0; i < FailedSignIns.MaxAddresses; i++)
        {
            failures.Failed(new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]));
        }

        var oneGuessEach = Enumerable.Range(1, MaxFailures).Select(i => IPAddress.Parse($"127.10.0.{i}")).ToList();
        foreach (var address in oneGuessEach)
        {
            using var client = LocalAddressClient.From(address, _collector.BaseAddress);
            using var wrong = await SignInAsync(client, "wrong-key");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // New addresses whose slots (a hash seeded at random) none of those ten share.
        var apart = Enumerable.Range(1, 200).Select(i => IPAddress.Parse($"127.20.0.{i}"))
            .Where(a => oneGuessEach.All(o => failures.SlotOf(o) != failures.SlotOf(a))).ToList();
        using var newcomer = LocalAddressClient.From(apart[0], _collector.BaseAddress);
        var guesserAddress = apart.First(a => failures.SlotOf(a) != failures.SlotOf(apart[0]));
        using (var signedIn = await SignInAsync(newcomer, "read-key"))
        {
            Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
        }

        using (var read = new HttpRequestMessage(HttpMethod.Get, new Uri("api/events", UriKind.Relative)))
        {
            read.Headers.Add("X-Api-Key", "read-key");
            using var events = await newcomer.SendAsync(read);
            Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        }

        using var guesser = LocalAddressClient.From(guesserAddress, _collector.BaseAddress);
        for (var i = 0; i < MaxFailures; i++)
        {
            using var wrong = await SignInAsync(guesser, "wrong-key");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var refused = await SignInAsync(guesser, "read-key");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
    }

    [Fact]
    public async Task Api_MissingKeysOrWrongIngestKeys_NotCounted()
    {
        for (var i = 0; i < MaxFailures * 2; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await GetEventsAsync(null));
            using var ingest = new HttpRequestMessage(HttpMethod.Post, new Uri("log/u", UriKind.Relative));
            ingest.Headers.Add("X-Api-Key", "wrong-key");
            ingest.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            using var refused = await _client.SendAsync(ingest);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await GetEventsAsync("read-key"));
    }

    private async Task<HttpStatusCode> GetEventsAsync(string? key, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/events", UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        using var response = await _client.SendAsync(request);
        return response.StatusCode;
    }

    private Task<HttpResponseMessage> SignInAsync(HttpClient client, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("auth/sign-in", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("key", key)]),
        };
        request.Headers.Add("Origin", _collector.BaseAddress.GetLeftPart(UriPartial.Authority));
        return client.SendAsync(request);
    }
}
