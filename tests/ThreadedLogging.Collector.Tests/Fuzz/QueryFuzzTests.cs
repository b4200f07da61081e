using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// Seeded fuzzing of the read side and the level-rules API over HTTP, against a real collector with keys and
/// seeded events; run by each store (<see cref="SqliteQueryFuzzTests"/>, <see cref="PostgresQueryFuzzTests"/>).
/// A failure lists every request that broke a rule of <see cref="QueryFuzzHarness"/>; the seed reproduces it.
/// </summary>
public abstract class QueryFuzzTests : IAsyncLifetime
{
    private const int Users = 4;
    private const int EventsPerUser = 60;
    private const int RequestsPerSeed = 600;
    private static readonly string[] Levels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];
    private static readonly QueryFuzzKeys Keys = new("fuzz-ingest-key", "fuzz-read-key", "fuzz-admin-key");
    private CollectorFixture _collector = null!;
    private QueryFuzzKnown _known = null!;

    public async Task InitializeAsync()
    {
        _collector = await CollectorFixture.StartAsync([
            "--Collector:IngestApiKeys:0=" + Keys.Ingest, "--Collector:ReadApiKey=" + Keys.Read, "--Collector:AdminApiKey=" + Keys.Admin,
            "--Collector:MaxLiveStreams=10000", .. await StoreArgumentsAsync()]);
        for (var u = 0; u < Users; u++)
        {
            var events = Enumerable.Range(0, EventsPerUser).Select(i => new
            {
                timestamp = DateTimeOffset.UtcNow.AddMinutes(i - EventsPerUser).ToString("O"),
                level = Levels[i % 6],
                category = "Payroll.Cat" + (i % 3),
                message = i % 10 == 0 ? $"Invoice {i} rejected by bank" : i % 7 == 0 ? "<img src=x onerror=alert(1)> & 'quoted'" : $"Invoice {i} paid",
                sequence = i,
            });
            var body = JsonSerializer.Serialize(new { app = "Payroll", version = "2.3.1", machine = "PC-" + u, instanceId = "inst-" + u, user = "user" + u, events });
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"log/user{u}", Keys.Ingest, body)).Status);
        }

        _known = await ReadKnownAsync();
    }

    public async Task DisposeAsync()
    {
        await _collector.DisposeAsync();
        await DeleteStoreAsync();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ReadApi_SeededHostileRequests_Never5xxAlwaysReasonedAndStillAnswers(int seed)
    {
        var (failures, succeeded) = await QueryFuzzHarness.RunAsync(_collector.Client, new QueryFuzzRequests(seed, Keys, _known).Generate(RequestsPerSeed), Keys);

        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} failures\n" + string.Join("\n", failures.Take(40)));
        // Not all refused at the door: enough valid and half-valid requests reach the stores.
        Assert.True(succeeded > RequestsPerSeed / 10, $"seed {seed}: only {succeeded} of {RequestsPerSeed} answered 2xx");
        await AssertStillAnswersAsync();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task LevelsApi_SeededHostileRequests_Never5xxAlwaysReasonedAndStillAnswers(int seed)
    {
        var (failures, succeeded) = await QueryFuzzHarness.RunAsync(_collector.Client, new LevelRuleFuzzRequests(seed, Keys).Generate(RequestsPerSeed / 2), Keys);

        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} failures\n" + string.Join("\n", failures.Take(40)));
        Assert.True(succeeded > RequestsPerSeed / 20, $"seed {seed}: only {succeeded} of {RequestsPerSeed / 2} answered 2xx");
        await AssertStillAnswersAsync();
        var (status, body) = await SendAsync(HttpMethod.Get, "api/levels", Keys.Read);
        Assert.True(status == HttpStatusCode.OK, body);
    }

    private protected abstract Task<string[]> StoreArgumentsAsync();

    private protected virtual Task DeleteStoreAsync() => Task.CompletedTask;

    /// <summary>After the fuzzing, a normal query gets exactly the seeded events.</summary>
    private async Task AssertStillAnswersAsync()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "api/events?user=user1&limit=1000", Keys.Read);
        Assert.True(status == HttpStatusCode.OK, body);
        var events = JsonDocument.Parse(body).RootElement.GetProperty("events");
        Assert.Equal(EventsPerUser, events.GetArrayLength());
        Assert.Equal(Enumerable.Range(0, EventsPerUser).Reverse(), events.EnumerateArray().Select(e => e.GetProperty("sequence").GetInt32()));
        (status, body) = await SendAsync(HttpMethod.Get, "api/events?q=%22rejected+by+bank%22&limit=1000", Keys.Read);
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(Users * EventsPerUser / 10, JsonDocument.Parse(body).RootElement.GetProperty("events").GetArrayLength());
    }

    private async Task<QueryFuzzKnown> ReadKnownAsync()
    {
        var (_, page) = await SendAsync(HttpMethod.Get, "api/events?limit=3", Keys.Read);
        var json = JsonDocument.Parse(page).RootElement;
        string[] ids = [.. json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetRawText())];
        var (_, users) = await SendAsync(HttpMethod.Get, "api/users?limit=1", Keys.Read);
        return new QueryFuzzKnown(
            ["user1", "USER2", "Payroll", "PC-1", "inst-1", "user1/PC-1", "2.3.1", "<img src=x onerror=alert(1)>"],
            [.. ids, "0", "-1", "9223372036854775807"],
            [json.GetProperty("next").GetString()!],
            [JsonDocument.Parse(users).RootElement.GetProperty("next").GetString()!],
            await ReadyPositionAsync());
    }

    /// <summary>The live stream's position when it opens (its "ready" event): a valid Last-Event-ID of this run.</summary>
    private async Task<string> ReadyPositionAsync()
    {
        using var guard = new CancellationTokenSource(QueryFuzzHarness.HangGuard);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/events/stream", UriKind.Relative));
        request.Headers.Add("X-Api-Key", Keys.Read);
        using var response = await _collector.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, guard.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(guard.Token);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(guard.Token))
        {
            return item.Data;
        }

        throw new InvalidOperationException("the stream ended before 'ready'");
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string url, string key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        request.Headers.Add("X-Api-Key", key);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _collector.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
