using System.Net;
using System.Security.Cryptography;
using Serilog;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>
/// CLEF has no batch id: a batch that Serilog.Sinks.Seq sends again because its answer was lost (a timeout after the
/// collector stored it) was stored twice. The body's hash is now its idempotency key.
/// </summary>
public sealed class ClefResendTests
{
    private const string First = """{"@t":"2026-12-06T03:30:00.1234567Z","@mt":"Paid {Amount}","Amount":1,"Application":"Payroll"}""";
    private const string Second = """{"@t":"2026-12-06T03:30:00.1234568Z","@mt":"Paid {Amount}","Amount":2,"Application":"Payroll"}""";

    [Fact]
    public async Task SeqSink_AnswerLostAfterTheBatchWasStored_ResentBatchStoredOnce()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using var handler = new AnswerLosingHandler();
        var log = new LoggerConfiguration()
            .Enrich.WithProperty("Application", "Payroll")
            // One event: Serilog's batching sends the first event at once (EagerlyEmitFirstEvent, whatever the period) and
            // tops a failed batch up with what was logged since before it retries, so with more events the first body could
            // hold event 1 alone and be resent as a different body, which no body hash can tell from a new batch (CI saw
            // 1, 1, 2, 3 stored). The resend of the same body is what this test is about: the handler tells it only then.
            .WriteTo.Seq(collector.BaseAddress.ToString(), messageHandler: handler)
            .CreateLogger();

        log.Information("Paid {Amount}", 1);
        var resent = await handler.Resent.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await log.DisposeAsync();

        Assert.Equal(HttpStatusCode.Created, resent);
        var amounts = (await collector.EventsAsync("app=Payroll")).Select(e => e.GetProperty("properties").GetProperty("Amount").GetInt32());
        Assert.Equal([1], amounts); // stored once: the resent body (its answer lost the first time) is the same batch
    }

    [Fact]
    public async Task Clef_SameBodyAgainPlainOrGzip_StoredOnceAnsweredAsTheFirst_OtherBodiesStored()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var body = Http.Utf8(First + "\n" + Second + "\n");

        var first = await Http.SendAsync(collector.Client, HttpMethod.Post, "ingest/clef", body, "application/vnd.serilog.clef");
        var again = await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events/raw?clef", body, "application/vnd.serilog.clef");
        var gzip = await Http.SendAsync(collector.Client, HttpMethod.Post, "ingest/clef", Http.Gzip(body), "application/vnd.serilog.clef", "gzip");
        var other = await Http.SendAsync(collector.Client, HttpMethod.Post, "ingest/clef", Http.Utf8(Second + "\n"), "application/vnd.serilog.clef");

        Assert.Equal((HttpStatusCode.Created, """{"MinimumLevelAccepted":null}"""), first);
        Assert.Equal(first, again);
        Assert.Equal(first, gzip);
        Assert.Equal(HttpStatusCode.Created, other.Status);
        var amounts = (await collector.EventsAsync()).Select(e => e.GetProperty("properties").GetProperty("Amount").GetInt32()).Order();
        Assert.Equal([1, 2, 2], amounts);
    }

    /// <summary>
    /// Passes each request to the collector and loses the answer the first time a body is seen (the collector has stored it),
    /// as a timeout on the way back would; a body seen before gets its answer, told through <see cref="Resent"/>.
    /// </summary>
    private sealed class AnswerLosingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly HashSet<string> _seen = [];

        public TaskCompletionSource<HttpStatusCode> Resent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var response = await base.SendAsync(request, cancellationToken);
            if (_seen.Add(Convert.ToHexString(SHA256.HashData(body))))
            {
                response.Dispose();
                throw new HttpRequestException("the answer was lost on the way back");
            }

            Resent.TrySetResult(response.StatusCode);
            return response;
        }
    }
}
