using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>A real collector with ingest, read and admin keys and the same seeded events on any store: what the query fuzzers run against.</summary>
internal sealed class QueryFuzzCollector : IAsyncDisposable
{
    public const int Users = 4;
    public const int EventsPerUser = 60;
    public static readonly QueryFuzzKeys Keys = new("fuzz-ingest-key", "fuzz-read-key", "fuzz-admin-key");
    private static readonly string[] Levels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];

    private QueryFuzzCollector(CollectorFixture collector)
    {
        Fixture = collector;
    }

    public CollectorFixture Fixture { get; }

    public HttpClient Client => Fixture.Client;

    /// <summary>Starts on <paramref name="store"/> and seeds <see cref="Users"/> x <see cref="EventsPerUser"/> events, one a minute up to <paramref name="seededUntil"/>.</summary>
    public static async Task<QueryFuzzCollector> StartAsync(TestStore store, DateTimeOffset seededUntil)
    {
        // Wrong keys are part of the fuzz, and each must get its 401: not slowed to 429 after ten (MaxWrongKeysPerMinute).
        var collector = new QueryFuzzCollector(await CollectorFixture.StartOnAsync(
            store,
            "--Collector:IngestApiKeys:0=" + Keys.Ingest, "--Collector:ReadApiKey=" + Keys.Read, "--Collector:AdminApiKey=" + Keys.Admin,
            "--Collector:MaxLiveStreams=10000", "--Collector:MaxWrongKeysPerMinute=0"));
        for (var u = 0; u < Users; u++)
        {
            var events = Enumerable.Range(0, EventsPerUser).Select(i => WithStructure(i, new JsonObject
            {
                ["timestamp"] = seededUntil.AddMinutes(i - EventsPerUser).ToString("O"),
                ["level"] = Levels[i % 6],
                ["category"] = "Payroll.Cat" + (i % 3),
                ["message"] = i % 10 == 0 ? $"Invoice {i} rejected by bank" : i % 7 == 0 ? "<img src=x onerror=alert(1)> & 'quoted'" : Paid(i),
                ["sequence"] = i,
            }));
            var body = JsonSerializer.Serialize(new { app = "Payroll", version = "2.3.1", machine = "PC-" + u, instanceId = "inst-" + u, user = "user" + u, events });
            Assert.Equal(HttpStatusCode.OK, (await collector.SendAsync(HttpMethod.Post, $"log/user{u}", Keys.Ingest, body)).Status);
        }

        // Events without a user (noUser=true), one with an empty name; one in the seeded trace.
        int[] structures = [9, 1, 2, 5, 3];
        var anonymous = Enumerable.Range(0, 5).Select(i => WithStructure(structures[i], new JsonObject
        {
            ["timestamp"] = seededUntil.AddSeconds(i - 5).ToString("O"),
            ["level"] = Levels[i % 6],
            ["message"] = $"Nightly job {i} ran",
            ["sequence"] = 1000 + i,
            ["user"] = i == 4 ? string.Empty : null,
        }));
        Assert.Equal(HttpStatusCode.OK, (await collector.SendAsync(HttpMethod.Post, "log/", Keys.Ingest, JsonSerializer.Serialize(new { app = "Cron", events = anonymous }))).Status);

        return collector;
    }

    /// <summary>
    /// "Invoice N paid", some in French with their accents, precomposed or decomposed (e + U+0301), and some without them:
    /// full text must find each either way, the same on every store.
    /// </summary>
    private static string Paid(int i) => (i % 10) switch
    {
        3 => $"Facture {i} r\u00e9gl\u00e9e au caf\u00e9 \u00e0 Besan\u00e7on, cr\u00e8me br\u00fbl\u00e9e",
        5 => $"Facture {i} re\u0301gle\u0301e au CAFE\u0301",
        7 => $"Facture {i} reglee au cafe a Besancon, creme brulee",
        // What a spreadsheet would run, for the CSV export's check (QueryFuzzExport).
        _ when i % 13 == 0 => $"=1+{i} @formula, \"quoted\"\r\n-next line",
        _ => $"Invoice {i} paid",
    };

    /// <summary>
    /// Every fourth event with properties (keys out of order, numbers as written, nesting, markup), every ninth with an
    /// exception, scopes and ids: what a store may keep differently (PostgreSQL's jsonb orders keys and rewrites numbers).
    /// </summary>
    private static JsonObject WithStructure(int i, JsonObject e)
    {
        if (i % 4 == 1)
        {
            e["properties"] = JsonNode.Parse($$$"""{"zeta":{{{i}}},"alpha":"ünï <b>","amount":1.50,"big":12345678901234567890,"exp":1e3,"nested":{"b":[1,"x",null,true],"a":{}},"empty":""}""");
        }

        if (i % 9 == 0)
        {
            e["exception"] = new JsonObject
            {
                ["type"] = "System.IO.IOException",
                ["message"] = $"disk {i} full",
                ["stackTrace"] = "   at Payroll.Save() in C:\\src\\pay.cs:line 12",
                ["inner"] = new JsonArray(new JsonObject { ["type"] = "System.ComponentModel.Win32Exception", ["message"] = "errno 28" }),
            };
            e["scopes"] = new JsonArray("Request r-" + i, new JsonObject { ["OrderId"] = i, ["Region"] = "EU" });
            e["eventId"] = 1000 + i;
            e["eventName"] = "Saved";
            e["threadId"] = 7;
            e["traceId"] = "4bf92f3577b34da6a3ce929d0e0e4736";
        }

        return e;
    }

    /// <summary>After the fuzzing, a normal query gets exactly the seeded events.</summary>
    public async Task AssertStillAnswersAsync()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "api/events?user=user1&limit=1000", Keys.Read);
        Assert.True(status == HttpStatusCode.OK, body);
        var events = JsonDocument.Parse(body).RootElement.GetProperty("events");
        Assert.Equal(Enumerable.Range(0, EventsPerUser).Reverse(), events.EnumerateArray().Select(e => e.GetProperty("sequence").GetInt32()));
        (status, body) = await SendAsync(HttpMethod.Get, "api/events?q=%22rejected+by+bank%22&limit=1000", Keys.Read);
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(Users * EventsPerUser / 10, JsonDocument.Parse(body).RootElement.GetProperty("events").GetArrayLength());
    }

    /// <summary>Valid ids, cursors and a stream position of this collector, for the generator to send as they are or tampered.</summary>
    public async Task<QueryFuzzKnown> ReadKnownAsync()
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

    public async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string url, string key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        request.Headers.Add("X-Api-Key", key);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public ValueTask DisposeAsync() => Fixture.DisposeAsync();

    /// <summary>The live stream's position when it opens (its "ready" event): a valid Last-Event-ID of this run.</summary>
    private async Task<string> ReadyPositionAsync()
    {
        using var guard = new CancellationTokenSource(QueryFuzzHarness.HangGuard);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/events/stream", UriKind.Relative));
        request.Headers.Add("X-Api-Key", Keys.Read);
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, guard.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(guard.Token);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(guard.Token))
        {
            return item.Data;
        }

        throw new InvalidOperationException("the stream ended before 'ready'");
    }
}
