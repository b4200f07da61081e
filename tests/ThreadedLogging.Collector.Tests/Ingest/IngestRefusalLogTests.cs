using System.Net;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Storage.Sqlite;
using ThreadedLogging.Collector.Tests.Diagnostics;
using ThreadedLogging.Collector.Tests.Ingest.Formats;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest;

/// <summary>
/// Every refused ingest request (400, 413, 415, 429, …) was a line of the collector's log: a client resending the same
/// bad batch, or every client's retry while the collector is overloaded, filled the log exactly when it was busiest. At
/// most one line a minute per remote address and status (admission's 429s: one a minute for all), the next saying how
/// many were left out; another status or address is still said at once; the metrics count every request. Real Kestrel;
/// a fake clock.
/// </summary>
public sealed class IngestRefusalLogTests
{
    private const string Requests = "threadedlogging_collector_ingest_requests_total";

    [Fact]
    public async Task Ingest_TwentyMalformedFromOneAddress_OneLineThenOneSayingNineteenLeftOut_AnotherStatusOrAddressStillSaid()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var collector = await CollectorFixture.StartAsync(services => services.AddSingleton<TimeProvider>(clock), "--Logging:LogLevel:Default=Information");
        var log = CollectingLoggerProvider.AttachTo(collector, LogLevel.Information);
        using var otherAddress = LocalAddressClient.From(IPAddress.Parse("127.0.0.2"), collector.BaseAddress);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, await MalformedAsync(collector.Client));
            if (i == 9)
            {
                var (status, _) = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8("x"), "text/plain");
                Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
                Assert.Equal(HttpStatusCode.BadRequest, await MalformedAsync(otherAddress));
            }
        }

        var first = Rejections(log);
        Assert.True(first.Count == 3, log.Text()); // before: 22, a line per request
        Assert.StartsWith("Rejected ingest request from 127.0.0.1 to /api/events with 400: ", first[0], StringComparison.Ordinal);
        Assert.EndsWith("(0 more refusals of this address with this status since the last such line, at most one a minute)", first[0], StringComparison.Ordinal);
        Assert.StartsWith("Rejected ingest request from 127.0.0.1 to /api/events with 415: unsupported Content-Type", first[1], StringComparison.Ordinal);
        Assert.StartsWith("Rejected ingest request from 127.0.0.2 to /api/events with 400: ", first[2], StringComparison.Ordinal);

        clock.Advance(IngestRefusals.LogInterval);
        Assert.Equal(HttpStatusCode.BadRequest, await MalformedAsync(collector.Client));

        var all = Rejections(log);
        Assert.Equal(4, all.Count);
        Assert.StartsWith("Rejected ingest request from 127.0.0.1 to /api/events with 400: ", all[3], StringComparison.Ordinal);
        Assert.Contains("(19 more refusals of this address with this status since", all[3], StringComparison.Ordinal);

        var (scraped, metrics) = await Http.SendAsync(collector.Client, HttpMethod.Get, "metrics");
        Assert.Equal(HttpStatusCode.OK, scraped);
        Assert.Equal(22, new PrometheusExposition(metrics).Value(Requests, ("format", "json-batch"), ("outcome", "rejected"), ("http_response_status_code", "400")));
    }

    [Fact]
    public async Task Ingest_AdmissionFull_TwentyTurnedAway_OneLineThenOneSayingNineteenLeftOut()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var collector = await CollectorFixture.StartAsync(services => services.AddSingleton<TimeProvider>(clock), "--Collector:MaxPendingIngests=1");
        var log = CollectingLoggerProvider.AttachTo(collector);

        // A real fault: another connection holds SQLite's write lock, so the one admitted request waits in the writer.
        await using var blocker = new SqliteConnection($"Data Source={Path.Combine(collector.DataDirectory, SqliteEventStore.FileName)};Pooling=False");
        await blocker.OpenAsync();
        await ExecuteAsync(blocker, "BEGIN IMMEDIATE");
        var admission = collector.Services.GetRequiredService<IngestAdmission>();
        var atWork = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        admission.Admitted = () => atWork.TrySetResult();
        var held = Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8("""{"events":[{"message":"held"}]}"""), "application/json");
        await atWork.Task.WaitAsync(TimeSpan.FromMinutes(1)); // a bound on a collector that never admits it, not a timing

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8("""{"events":[{"message":"turned away"}]}"""), "application/json")).Status);
        }

        Assert.True(Overloaded(log).Count == 1, log.Text()); // before: 20, a line per request
        Assert.EndsWith("answered 429 (0 more such answers since the last such line, at most one a minute)", Overloaded(log)[0], StringComparison.Ordinal);

        clock.Advance(IngestRefusals.LogInterval);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8("""{"events":[{"message":"turned away"}]}"""), "application/json")).Status);
        Assert.Equal(2, Overloaded(log).Count);
        Assert.Contains("answered 429 (19 more such answers since", Overloaded(log)[1], StringComparison.Ordinal);

        await ExecuteAsync(blocker, "ROLLBACK");
        Assert.Equal(HttpStatusCode.OK, (await held).Status);
    }

    [Fact]
    public async Task Ingest_FivePostsToAPathNoEndpointServes_OneLineThenOneSayingFourLeftOut_AnotherStatusStillSaid()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var collector = await CollectorFixture.StartAsync(services => services.AddSingleton<TimeProvider>(clock), "--Logging:LogLevel:Default=Information");
        var log = CollectingLoggerProvider.AttachTo(collector, LogLevel.Information);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Http.SendAsync(collector.Client, HttpMethod.Post, "v1/traces", Http.Utf8("{}"), "application/json")).Status);
        }

        Assert.Equal(HttpStatusCode.BadRequest, await MalformedAsync(collector.Client));
        Assert.True(NotFound(log).Count == 1, log.Text()); // before: 5, a line per request
        Assert.Single(Rejections(log));

        clock.Advance(IngestRefusals.LogInterval);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.SendAsync(collector.Client, HttpMethod.Post, "v1/traces", Http.Utf8("{}"), "application/json")).Status);
        Assert.Equal(2, NotFound(log).Count);
        Assert.Equal("No ingest endpoint at POST /v1/traces: answered 404 to 127.0.0.1 (4 more of this address since the last such line, at most one a minute); logs are taken at POST /v1/logs (OTLP over HTTP: the whole URL), /api/events/raw (Seq, CLEF) and /log/{path}", NotFound(log)[1]);
    }

    [Fact]
    public void Rejected_MoreAddressesThanTheLimiterKeeps_TheSharedLineSaysManyAddresses()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var log = new CollectingLoggerProvider(LogLevel.Information);
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(log));
        var refusals = new IngestRefusals(clock, factory.CreateLogger<IngestEndpoint>());
        for (var i = 0; i < LogRateLimiter.MaxKeys; i++)
        {
            refusals.Rejected($"10.0.{i / 256}.{i % 256}", "/api/events", 400, "malformed");
        }

        // Past the limiter's bound every new address and status shares one allowance: its line cannot speak for one address.
        refusals.Rejected("10.1.0.1", "/api/events", 413, "too large");
        refusals.Rejected("10.1.0.2", "/api/events", 400, "malformed");
        refusals.PathNotFound("10.1.0.3", "POST", "/v1/traces", 404, string.Empty);

        var shared = Rejections(log)[LogRateLimiter.MaxKeys];
        Assert.StartsWith("Rejected ingest request from 10.1.0.1 to /api/events with 413: too large (0 more refusals of many addresses", shared, StringComparison.Ordinal); // before: "of this address with this status"
        Assert.Equal(LogRateLimiter.MaxKeys + 1, Rejections(log).Count);
        Assert.Empty(NotFound(log));
    }

    [Fact]
    public void Overloaded_AfterMoreAddressesThanTheLimiterKeepsWereRefused_StillSaid()
    {
        // The reviewer's probe: admission's 429 line shared the refusals' limiter; past its bound of recent keys, the
        // "overloaded" key (aged, forgotten) became the overflow key the 400s had just used, and its line was held back.
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var log = new CollectingLoggerProvider(LogLevel.Information);
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(log));
        var refusals = new IngestRefusals(clock, factory.CreateLogger<IngestEndpoint>());

        refusals.Overloaded(64);
        clock.Advance(TimeSpan.FromMinutes(2));
        for (var i = 0; i <= LogRateLimiter.MaxKeys; i++)
        {
            refusals.Rejected($"10.0.{i / 256}.{i % 256}", "/api/events", i % 2 == 0 ? 429 : 400, "refused");
        }

        refusals.Overloaded(64);

        Assert.True(Overloaded(log).Count == 2, log.Text()); // before: 1
    }

    [Fact]
    public void Failed_AfterMoreAddressesThanTheLimiterKeepsWereRefused_StillSaid_OneLinePerStoreErrorCode()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var log = new CollectingLoggerProvider(LogLevel.Information);
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(log));
        var refusals = new IngestRefusals(clock, factory.CreateLogger<IngestEndpoint>());
        for (var i = 0; i <= LogRateLimiter.MaxKeys; i++)
        {
            refusals.Rejected($"10.0.{i / 256}.{i % 256}", "/api/events", 400, "malformed");
        }

        // Kinds of failure are the exception's type and its error code, not its message: two constraints are one kind.
        refusals.Failed("10.2.0.1", "json-batch", "/api/events", new SqliteException("constraint failed: row 1", 19, 1811), storing: true);
        refusals.Failed("10.2.0.2", "json-batch", "/api/events", new SqliteException("constraint failed: row 2", 19, 1811), storing: true);
        refusals.Failed("10.2.0.3", "json-batch", "/api/events", new SqliteException("disk I/O error", 10, 10), storing: true);

        var lines = Failures(log);
        Assert.True(lines.Count == 2, log.Text()); // before: 0, the 400s' overflow key held both back (and the kinds were one type: 1)
        Assert.Contains("from 10.2.0.1 ", lines[0], StringComparison.Ordinal);
        Assert.Contains("from 10.2.0.3 ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void PathNotFound_AfterARefusalWithStatus404FromTheSameAddress_StillSaid()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var log = new CollectingLoggerProvider(LogLevel.Information);
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(log));
        var refusals = new IngestRefusals(clock, factory.CreateLogger<IngestEndpoint>());

        refusals.Rejected("127.0.0.1", "/api/events/alice", 404, "no such user");
        refusals.PathNotFound("127.0.0.1", "POST", "/v1/traces", 404, string.Empty);

        Assert.Single(Rejections(log));
        Assert.True(NotFound(log).Count == 1, log.Text()); // before: 0, the 404 refusal's key held it back
    }

    [Fact]
    public async Task OtlpGrpc_MalformedMessagesFromOneAddress_OneLine()
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync("--Logging:LogLevel:Default=Information");
        var log = CollectingLoggerProvider.AttachTo(collector, LogLevel.Information);

        for (var i = 0; i < 3; i++)
        {
            var garbage = await Assert.ThrowsAsync<RpcException>(() => RefusalAnswersTests.ExportAsync(collector.OtlpGrpcPort, [0, 1, 2, 3, 4, 5, 6, 7]));
            Assert.Equal(StatusCode.InvalidArgument, garbage.StatusCode);
        }

        var line = Assert.Single(Rejections(log)); // before: 3
        Assert.StartsWith("Rejected ingest request from 127.0.0.1 to /opentelemetry.proto.collector.logs.v1.LogsService/Export with 400: malformed OTLP protobuf body", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_StoreFailsEveryRequest_OneLineAMinuteForAllAddressesSayingHowManyLeftOut_EachCounted()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var collector = await CollectorFixture.StartAsync(services => services.AddSingleton<TimeProvider>(clock));
        var log = CollectingLoggerProvider.AttachTo(collector);
        using var otherAddress = LocalAddressClient.From(IPAddress.Parse("127.0.0.2"), collector.BaseAddress);

        // A real fault: the store's own SQLite refuses every insert with an error it takes for a defect (a constraint), not
        // for unavailability (503): each request is answered 500.
        await using (var other = new SqliteConnection($"Data Source={Path.Combine(collector.DataDirectory, SqliteEventStore.FileName)};Pooling=False"))
        {
            await other.OpenAsync();
            await ExecuteAsync(other, "CREATE TRIGGER refuse_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END");
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, await StoredAsync(collector.Client));
        }

        Assert.Equal(HttpStatusCode.InternalServerError, await StoredAsync(otherAddress));

        // The store is the collector's: its failure is one line a minute for all senders, not one per client.
        var first = Failures(log);
        Assert.True(first.Count == 1, log.Text()); // before: 2, a line per address (and 6 before c3f1c1b, one per request)
        Assert.StartsWith("Ingest of a json-batch request from 127.0.0.1 to /api/events failed unexpectedly; answered 500, nothing stored (0 more failures of the store with this error from any address since the last such line, at most one a minute)", first[0], StringComparison.Ordinal);
        Assert.All(log.Entries.Where(e => e.Message.StartsWith("Ingest of a", StringComparison.Ordinal)), e => Assert.IsType<SqliteException>(e.Exception)); // the stack trace stays on the line said

        clock.Advance(IngestRefusals.LogInterval);
        Assert.Equal(HttpStatusCode.InternalServerError, await StoredAsync(otherAddress));

        var all = Failures(log);
        Assert.Equal(2, all.Count);
        Assert.StartsWith("Ingest of a json-batch request from 127.0.0.2 to /api/events failed unexpectedly", all[1], StringComparison.Ordinal);
        Assert.Contains("(5 more failures of the store with this error from any address since", all[1], StringComparison.Ordinal);
        var (scraped, metrics) = await Http.SendAsync(collector.Client, HttpMethod.Get, "metrics");
        Assert.Equal(HttpStatusCode.OK, scraped);
        Assert.Equal(7, new PrometheusExposition(metrics).Value(Requests, ("format", "json-batch"), ("outcome", "failed"), ("http_response_status_code", "500")));
    }

    private static async Task<HttpStatusCode> StoredAsync(HttpClient client) =>
        (await Http.SendAsync(client, HttpMethod.Post, "api/events", Http.Utf8(Http.Envelope(null, new { message = "m" })), "application/json")).Status;

    private static List<string> Failures(CollectingLoggerProvider log) =>
        [.. log.Entries.Where(e => e.Level == LogLevel.Error && e.Message.StartsWith("Ingest of a", StringComparison.Ordinal)).Select(e => e.Message)];

    private static async Task<HttpStatusCode> MalformedAsync(HttpClient client) =>
        (await Http.SendAsync(client, HttpMethod.Post, "api/events", Http.Utf8("""{"events":[{"message":"cut"""), "application/json")).Status;

    private static List<string> Rejections(CollectingLoggerProvider log) =>
        [.. log.Entries.Where(e => e.Message.StartsWith("Rejected ingest request", StringComparison.Ordinal)).Select(e => e.Message)];

    private static List<string> NotFound(CollectingLoggerProvider log) =>
        [.. log.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.StartsWith("No ingest endpoint", StringComparison.Ordinal)).Select(e => e.Message)];

    private static List<string> Overloaded(CollectingLoggerProvider log) =>
        [.. log.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Ingest overloaded", StringComparison.Ordinal)).Select(e => e.Message)];

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
