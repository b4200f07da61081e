using System.Net;
using System.Text.Json;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest;

/// <summary>ThreadedLogging's JsonBatch format: envelope, NDJSON, gzip, idempotency, exactly-once per event.</summary>
public sealed class JsonBatchIngestTests
{
    private static object Event(long sequence, string message = "Paid", string level = "Information", string? user = null) => new
    {
        timestamp = "2026-11-24T10:02:26.1234567Z",
        level,
        category = "Payroll.Run",
        eventId = 7,
        eventName = "Paid",
        template = "Paid {Employee}",
        message,
        properties = new { Employee = "alice", Amount = 1200.5, Tags = new[] { "a", "b" } },
        exception = sequence == 2 ? new { type = "System.InvalidOperationException", message = "boom", stackTrace = "at X", text = "System.InvalidOperationException: boom\n at X", inner = Array.Empty<object>() } : null,
        scopes = new object[] { "Request 42", new { OrderId = 9 } },
        traceId = "0af7651916cd43dd8448eb211c80319c",
        threadId = 12,
        user,
        sequence,
    };

    [Fact]
    public async Task Envelope_AllFields_StoredWithIdentityFromEnvelope()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = Http.Utf8(Http.Envelope("batch-1", Event(1), Event(2, "Failed", "Error")));

        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", body, "application/json", idempotencyKey: "batch-1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, JsonDocument.Parse(text).RootElement.GetProperty("accepted").GetInt32());
        var events = await collector.EventsAsync("user=alice");
        Assert.Equal(2, events.Count);
        var failed = events.Single(e => e.GetProperty("sequence").GetInt64() == 2);
        Assert.Equal("Error", failed.GetProperty("level").GetString());
        Assert.Equal("Payroll", failed.GetProperty("app").GetString());
        Assert.Equal("2.3.1", failed.GetProperty("version").GetString());
        Assert.Equal("PC-042", failed.GetProperty("machine").GetString());
        Assert.Equal("inst-1", failed.GetProperty("instanceId").GetString());
        Assert.Equal("alice", failed.GetProperty("path").GetString());
        Assert.Equal("Paid {Employee}", failed.GetProperty("template").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 10, 2, 26, TimeSpan.Zero).AddTicks(1234567), failed.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal(1200.5, failed.GetProperty("properties").GetProperty("Amount").GetDouble());
        Assert.Equal("boom", failed.GetProperty("exception").GetProperty("message").GetString());
        Assert.Equal(7, failed.GetProperty("context").GetProperty("eventId").GetInt32());
        Assert.Equal(9, failed.GetProperty("context").GetProperty("scopes")[1].GetProperty("OrderId").GetInt32());
    }

    [Fact]
    public async Task RetriedBatch_SameIdempotencyKey_StoredOnce()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = Http.Gzip(Http.Utf8(Http.Envelope(null, Event(1), Event(2), Event(3))));

        var first = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", body, "application/json", "gzip", "key-42");
        var retry = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", body, "application/json", "gzip", "key-42");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.False(JsonDocument.Parse(first.Body).RootElement.GetProperty("duplicate").GetBoolean());
        var again = JsonDocument.Parse(retry.Body).RootElement;
        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.Equal(3, again.GetProperty("accepted").GetInt32());
        Assert.Equal(3, (await collector.EventsAsync()).Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ResentEvents_UnderANewBatchId_AnswerCountsThemAsDuplicates(bool onPostgres)
    {
        // review14: a batch of 3 whose first 2 were stored before by (instanceId, sequence) was answered {"accepted":3} alone.
        await using var collector = await CollectorFixture.StartOnAsync(onPostgres ? TestStore.Postgres : TestStore.Sqlite);
        var resent = Http.Utf8(Http.Envelope("second", Event(1), Event(2), Event(3)));

        var first = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", Http.Utf8(Http.Envelope("first", Event(1), Event(2))), "application/json");
        var second = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", resent, "application/json");
        var again = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", resent, "application/json");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (first.Status, second.Status, again.Status));
        Assert.Equal((2, false, 0), Answer(first.Body));
        Assert.Equal((3, false, 2), Answer(second.Body)); // all 3 held now, 2 of them from before
        Assert.Equal((3, true, 3), Answer(again.Body)); // the batch id seen: a success like the first answer
        Assert.Equal([1L, 2L, 3L], (await collector.EventsAsync()).Select(e => e.GetProperty("sequence").GetInt64()).Order());

        static (int Accepted, bool Duplicate, int Duplicates) Answer(string body)
        {
            var root = JsonDocument.Parse(body).RootElement;
            return (root.GetProperty("accepted").GetInt32(), root.GetProperty("duplicate").GetBoolean(), root.GetProperty("duplicates").GetInt32());
        }
    }

    [Fact]
    public async Task RetriedBatch_SameBatchIdInEnvelope_StoredOnce()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = Http.Utf8(Http.Envelope("envelope-id", Event(1), Event(2)));

        await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", body, "application/json");
        var retry = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", body, "application/json");

        Assert.True(JsonDocument.Parse(retry.Body).RootElement.GetProperty("duplicate").GetBoolean());
        Assert.Equal(2, (await collector.EventsAsync()).Count);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Envelope_BatchIdWithNul_400NamingItNothingStored_ThenTheSameEventsStoredUnderAnotherId(string store)
    {
        await using var collector = await CollectorFixture.StartOnAsync(store == "postgres" ? TestStore.Postgres : TestStore.Sqlite);

        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8("""{"batchId":"b\u0000","events":[{"message":"Paid"}]}"""), "application/json");

        Assert.Equal((HttpStatusCode.BadRequest, "field 'batchId' contains a NUL character (U+0000), which no batch id may hold"), (status, Http.Error(text)));
        Assert.Empty(await collector.EventsAsync());
        // Not taken for a resend of a batch keyed b\uFFFD (what PostgreSQL keeps of other texts with a NUL).
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8("""{"batchId":"b\uFFFD","events":[{"message":"Paid"}]}"""), "application/json")).Status);
        Assert.Single(await collector.EventsAsync());
    }

    [Fact]
    public async Task SameInstanceAndSequence_InAnotherBatch_StoredOnce()
    {
        await using var collector = await CollectorFixture.StartAsync();

        await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8(Http.Envelope("a", Event(1), Event(2))), "application/json");
        var second = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8(Http.Envelope("b", Event(2), Event(3))), "application/json");

        Assert.Equal(HttpStatusCode.OK, second.Status);
        var sequences = (await collector.EventsAsync()).Select(e => e.GetProperty("sequence").GetInt64()).Order().ToArray();
        Assert.Equal([1L, 2L, 3L], sequences);
    }

    [Fact]
    public async Task Envelope_EscapedFieldNamesAndOtherLevelSpellings_ReadAsTheirValues()
    {
        await using var collector = await CollectorFixture.StartAsync();
        // Names are found by their bytes as written; an escaped name must still be its unescaped self.
        const string Body = """
            {"app":"Payroll","events":[
              {"mess\u0061ge":"escaped name","level":"Error","sequence":1,"instanceId":"esc"},
              {"message":"lower case","level":"warning","sequence":2,"instanceId":"esc"},
              {"message":"python name","level":"CRITICAL","sequence":3,"instanceId":"esc"},
              {"message":"number","level":1,"sequence":4,"instanceId":"esc"},
              {"message":"escaped level","level":"Tr\u0061ce","sequence":5,"instanceId":"esc"}]}
            """;

        var (status, text) = await Http.SendAsync(collector.Client, HttpMethod.Post, "log/alice", Http.Utf8(Body), "application/json");

        Assert.Equal(HttpStatusCode.OK, status);
        var events = (await collector.EventsAsync()).OrderBy(e => e.GetProperty("sequence").GetInt64())
            .Select(e => (e.GetProperty("message").GetString(), e.GetProperty("level").GetString())).ToArray();
        Assert.Equal(
            [("escaped name", "Error"), ("lower case", "Warning"), ("python name", "Critical"), ("number", "Debug"), ("escaped level", "Trace")],
            events);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Envelope_ChunkedBodyLargerThanFirstBuffer_StoredWhole(bool gzip)
    {
        await using var collector = await CollectorFixture.StartAsync();
        // No Content-Length (chunked): the body is read into 64 KiB, then larger buffers; ~600 KB here.
        var events = Enumerable.Range(1, 3000).Select(i => Event(i, $"chunked event {i} " + new string('x', 100))).ToArray();
        var json = Http.Utf8(Http.Envelope("chunked", events));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("log/alice", UriKind.Relative))
        {
            Content = new StreamContent(new MemoryStream(gzip ? Http.Gzip(json) : json)),
        };
        request.Content.Headers.ContentType = new("application/json");
        if (gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        request.Headers.TransferEncodingChunked = true;
        using var response = await collector.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3000, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("accepted").GetInt32());
        var stored = await collector.EventsAsync("q=%22chunked%20event%202999%22");
        Assert.Equal(2999, Assert.Single(stored).GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Ndjson_Gzipped_EachLineCarriesIdentity()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var lines = string.Join("\n", Enumerable.Range(1, 5).Select(i => JsonSerializer.Serialize(new
        {
            timestamp = "2026-11-24T10:00:00Z",
            level = "Warning",
            message = $"line {i}",
            app = "Payroll",
            user = i % 2 == 0 ? "erin" : "frank",
            machine = "PC-1",
            instanceId = "nd",
            sequence = i,
        }))) + "\n";

        var (status, _) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Gzip(Http.Utf8(lines)), "application/x-ndjson", "gzip", "nd-1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, (await collector.EventsAsync("user=erin")).Count);
        Assert.Equal(3, (await collector.EventsAsync("user=frank")).Count);
    }

    [Fact]
    public async Task NoUserInEvent_UserTakenFromPath()
    {
        await using var collector = await CollectorFixture.StartAsync();

        await Http.SendAsync(collector.Client, HttpMethod.Post, "log/grace/PC-9", Http.Utf8(Http.Envelope("p", Event(1))), "application/json");

        var stored = Assert.Single(await collector.EventsAsync("user=grace"));
        Assert.Equal("grace/PC-9", stored.GetProperty("path").GetString());
    }
}
