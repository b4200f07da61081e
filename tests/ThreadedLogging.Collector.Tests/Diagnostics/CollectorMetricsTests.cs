using System.Net;
using Microsoft.Data.Sqlite;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Diagnostics;

/// <summary>The collector's own metrics (meter ThreadedLogging.Collector), read with the runtime's MeterListener from a real collector.</summary>
public sealed class CollectorMetricsTests
{
    private const string Requests = "threadedlogging.collector.ingest.requests";
    private const string Events = "threadedlogging.collector.ingest.events";
    private const string Duration = "threadedlogging.collector.ingest.duration";

    [Fact]
    public async Task Ingest_StoredDuplicateMalformedAndUnsupported_CountedByFormatOutcomeAndStatus()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var metrics = new MetricsRecorder(collector.Services);

        var batch = Http.Utf8(Http.Envelope("b-1", Event("one"), Event("two"), Event("three")));
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", batch, "application/json", idempotencyKey: "k-1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", batch, "application/json", idempotencyKey: "k-1")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8("{\"events\": [1"), "application/json")).Status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8("a,b"), "text/csv")).Status);

        Assert.Equal(1, metrics.Sum(Requests, ("format", "json-batch"), ("outcome", "stored"), ("http.response.status_code", 200)));
        Assert.Equal(1, metrics.Sum(Requests, ("format", "json-batch"), ("outcome", "duplicate"), ("http.response.status_code", 200)));
        Assert.Equal(1, metrics.Sum(Requests, ("format", "json-batch"), ("outcome", "rejected"), ("http.response.status_code", 400)));
        Assert.Equal(1, metrics.Sum(Requests, ("format", "unknown"), ("outcome", "rejected"), ("http.response.status_code", 415)));
        Assert.Equal(4, metrics.Sum(Requests));
        Assert.Equal(3, metrics.Sum(Events, ("format", "json-batch"))); // the duplicate stored nothing
        Assert.Equal(3, metrics.Count(Duration, ("format", "json-batch"))); // every admitted request; the 415 was never admitted
        Assert.Equal(1, metrics.Count(Duration, ("outcome", "stored")));
    }

    [Fact]
    public async Task Ingest_SeqEndpoints_CountedWithThe201TheyAnswer()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var metrics = new MetricsRecorder(collector.Services);

        var clef = Http.Utf8("{\"@t\":\"2026-12-04T10:00:00Z\",\"@mt\":\"Hello {Name}\",\"Name\":\"alice\"}\n");
        Assert.Equal(HttpStatusCode.Created, (await Http.SendAsync(collector.Client, HttpMethod.Post, "ingest/clef", clef, "application/vnd.serilog.clef")).Status);
        var other = Http.Utf8("{\"@t\":\"2026-12-04T10:00:00Z\",\"@mt\":\"Hello {Name}\",\"Name\":\"bob\"}\n"); // the same body again is a resend
        Assert.Equal(HttpStatusCode.Created, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events/raw?clef", other, "application/json")).Status);

        Assert.Equal(2, metrics.Sum(Requests, ("format", "clef"), ("outcome", "stored"), ("http.response.status_code", 201)));
        Assert.Equal(0, metrics.Sum(Requests, ("http.response.status_code", 200))); // was counted as 200 while the client got 201
    }

    [Fact]
    public async Task Ingest_OneRequestHeldByTheStoreAndOneTurnedAway_ActiveIsOneThenZeroAndTheRefusalCounted()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:MaxPendingIngests=1");
        using var metrics = new MetricsRecorder(collector.Services);

        // A real fault: another connection holds SQLite's write lock, so the admitted request waits in the store.
        await using var blocker = new SqliteConnection($"Data Source={Path.Combine(collector.DataDirectory, SqliteEventStore.FileName)};Pooling=False");
        await blocker.OpenAsync();
        await Execute(blocker, "BEGIN IMMEDIATE");
        var first = Post(collector, "a");
        var second = Post(collector, "b");
        var turnedAway = await Task.WhenAny(first, second);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await turnedAway).StatusCode);

        Assert.Equal(1, metrics.Observe("threadedlogging.collector.ingest.active"));
        await Execute(blocker, "ROLLBACK");
        Assert.Equal(HttpStatusCode.OK, (await (turnedAway == first ? second : first)).StatusCode);

        Assert.Equal(0, metrics.Observe("threadedlogging.collector.ingest.active"));
        Assert.Equal(1, metrics.Sum(Requests, ("outcome", "overloaded"), ("http.response.status_code", 429)));
    }

    [Fact]
    public async Task Retention_RunRemovesOldEvents_RemovedCountedByAge()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:Retention:Interval=00:00:01", "--Collector:Retention:MaxAge=1.00:00:00");
        using var metrics = new MetricsRecorder(collector.Services);
        var old = DateTimeOffset.UtcNow.AddDays(-3).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var batch = Http.Utf8(Http.Envelope("old", Event("old one", old), Event("old two", old), Event("new", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", batch, "application/json")).Status);

        await metrics.Next("threadedlogging.collector.retention.removed").WaitAsync(TimeSpan.FromSeconds(30)); // the first run, an interval after start

        Assert.Equal(2, metrics.Sum("threadedlogging.collector.retention.removed", ("reason", "age")));
        Assert.Equal("new", Assert.Single(await collector.EventsAsync()).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Sqs_NoQueuesConfigured_MessagesReportedAsZero()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var metrics = new MetricsRecorder(collector.Services);

        Assert.Equal(0, metrics.Observe("threadedlogging.collector.sqs.messages", ("outcome", "received")));
        Assert.Equal(0, metrics.Observe("threadedlogging.collector.sqs.messages"));
        Assert.Equal(0, metrics.Observe("threadedlogging.collector.live_streams.active"));
    }

    private static long s_sequence;

    private static object Event(string message, string timestamp = "2026-11-24T10:00:00Z") =>
        new { timestamp, level = "Information", category = "App", message, sequence = Interlocked.Increment(ref s_sequence), instanceId = "inst-1" };

    private static Task<HttpResponseMessage> Post(CollectorFixture collector, string batchId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/events", UriKind.Relative))
        {
            Content = new StringContent(Http.Envelope(batchId, Event("from " + batchId)), System.Text.Encoding.UTF8, "application/json"),
        };
        return collector.Client.SendAsync(request);
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
