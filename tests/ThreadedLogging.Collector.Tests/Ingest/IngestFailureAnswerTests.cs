using System.Net;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Tests.Ingest.Formats;
using ThreadedLogging.Collector.Tests.Support;
using RpcStatus = ThreadedLogging.Collector.Ingest.Formats.Otlp.Proto.Status;

namespace ThreadedLogging.Collector.Tests.Ingest;

/// <summary>
/// An exception escaping an ingest endpoint (here a cancellation that is not the client's, as a store's own timeout throws,
/// which <see cref="IngestEndpoint.RunAsync"/> does not catch) is answered in the endpoint's format, never Kestrel's empty 500:
/// ThreadedLogging's JsonBatch client takes a 500 that is not JSON for an outage and retries the batch for ever.
/// </summary>
public sealed class IngestFailureAnswerTests
{
    private const string Reason = "internal error while ingesting; the collector's log says why";

    [Fact]
    public async Task EveryIngestRoute_ExceptionEscapes_500InItsFormatOrGrpcInternal_LoggedOnce()
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync(services => GatedEventStore.Wrap(services, heldQuery: 0));
        var store = (GatedEventStore)collector.Services.GetRequiredService<IEventStore>();
        store.Poisoned = e => e.Message.Contains("poison", StringComparison.Ordinal);
        store.PoisonFault = () => new OperationCanceledException("the store's own timeout (GatedEventStore)"); // a fault nothing real makes on cue

        const string form = "name=app&msg=poison&levelno=20&levelname=INFO&created=1764496946.5";
        const string clef = """{"@t":"2026-11-30T10:00:00Z","@mt":"poison"}""";
        (HttpMethod Method, string Url, string ContentType, byte[] Body)[] jsonAnswered =
        [
            (HttpMethod.Post, "api/events", "application/json", Http.Utf8("""{"events":[{"message":"poison"}]}""")),
            (HttpMethod.Post, "log/u", "application/json", Http.Utf8(Http.Envelope(null, new { message = "poison" }))),
            (HttpMethod.Post, "log/u", "application/x-www-form-urlencoded", Http.Utf8(form)),
            (HttpMethod.Get, "log/u?" + form, "text/plain", []),
            (HttpMethod.Post, "api/events/raw?clef", "application/vnd.serilog.clef", Http.Utf8(clef)),
            (HttpMethod.Post, "api/events/raw", "application/json", Http.Utf8("""{"Events":[{"Timestamp":"2026-12-01T10:00:00Z","Level":"Information","MessageTemplate":"poison"}]}""")),
            (HttpMethod.Post, "ingest/clef", "application/vnd.serilog.clef", Http.Utf8(clef)),
        ];
        foreach (var (method, url, contentType, body) in jsonAnswered)
        {
            using var response = await SendAsync(collector, method, url, contentType, body);
            Assert.True(HttpStatusCode.InternalServerError == response.StatusCode, $"{method} {url}: {response.StatusCode}");
            Assert.True("application/json" == response.Content.Headers.ContentType?.MediaType, $"{method} {url} ({contentType}): {response.Content.Headers.ContentType}");
            Assert.Equal(Reason, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        }

        var otlp = OtlpIngestTests.Request(OtlpIngestTests.Record("poison"));
        using (var protobuf = await SendAsync(collector, HttpMethod.Post, "v1/logs", "application/x-protobuf", otlp))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, protobuf.StatusCode);
            Assert.Equal("application/x-protobuf", protobuf.Content.Headers.ContentType?.MediaType);
            var status = RpcStatus.Parser.ParseFrom(await protobuf.Content.ReadAsByteArrayAsync());
            Assert.Equal((13, Reason), (status.Code, status.Message));
        }

        const string json = """{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"poison"}}]}]}]}""";
        using (var otlpJson = await SendAsync(collector, HttpMethod.Post, "v1/logs", "application/json", Http.Utf8(json)))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, otlpJson.StatusCode);
            Assert.Equal("application/json", otlpJson.Content.Headers.ContentType?.MediaType);
            var status = RpcStatus.Parser.ParseJson(await otlpJson.Content.ReadAsStringAsync());
            Assert.Equal((13, Reason), (status.Code, status.Message));
        }

        var grpc = await Assert.ThrowsAsync<RpcException>(() => RefusalAnswersTests.ExportAsync(collector.OtlpGrpcPort, otlp));
        Assert.Equal((StatusCode.Internal, Reason), (grpc.StatusCode, grpc.Status.Detail));

        // Once: the collector's line (at most one a minute per address and kind of failure), not Kestrel's per request.
        var line = Assert.Single(collector.Log.Entries, e => e.Exception is OperationCanceledException);
        Assert.Contains("failed unexpectedly", line.Message, StringComparison.Ordinal);

        using (var fine = await collector.PostJsonAsync("api/events", new { events = new[] { new { message = "fine" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
        }

        Assert.Equal(["fine"], (await collector.EventsAsync()).Select(e => e.GetProperty("message").GetString()));
    }

    private static Task<HttpResponseMessage> SendAsync(CollectorFixture collector, HttpMethod method, string url, string contentType, byte[] body)
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return collector.Client.SendAsync(request);
    }
}
