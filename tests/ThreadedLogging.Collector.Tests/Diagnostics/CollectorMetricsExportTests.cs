using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using ThreadedLogging.Collector.Tests.Diagnostics.Otlp;
using ThreadedLogging.Collector.Tests.Support;

namespace ThreadedLogging.Collector.Tests.Diagnostics;

/// <summary>
/// <c>Collector:Metrics:OtlpEndpoint</c>: the collector pushes its metrics with OpenTelemetry's real OTLP exporter to a
/// real HTTP receiver on loopback, which parses each export as OTLP protobuf.
/// </summary>
public sealed class CollectorMetricsExportTests
{
    private const string Requests = "threadedlogging.collector.ingest.requests";

    [Fact]
    public async Task Export_OtlpEndpointSet_CollectorAndRuntimeMetricsArriveOverOtlpHttp()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync(
            $"--Collector:Metrics:OtlpEndpoint={receiver.BaseAddress}", "--Collector:Metrics:ExportInterval=00:00:01", "--Collector:Metrics:OtlpHeaders=x-tenant=ops");

        Assert.Equal(HttpStatusCode.OK, await PostBatchAsync(collector, "m-1", 2));

        // The request was counted before it was answered, and the exports are cumulative: every export collected after
        // the answer counts it. Only this collector's meters are exported (other tests' collectors run in this process),
        // so the counts are exact: wait (for an export, not for time) for the first that has this request.
        var export = await receiver.FirstAsync(e => StoredJsonBatchRequests(e) == 1).WaitAsync(TimeSpan.FromSeconds(60));

        var resource = Assert.Single(export.ResourceMetrics).Resource.Attributes;
        Assert.Equal("ThreadedLogging.Collector", Attribute(resource, "service.name").StringValue);
        var requests = Assert.Single(Metrics(export, Requests));
        Assert.True(requests.Unit == "{request}" && requests.Sum.IsMonotonic);
        Assert.Equal(2, Points(export, "threadedlogging.collector.ingest.events").Where(p => Attribute(p.Attributes, "format").StringValue == "json-batch").Sum(p => p.AsInt));
        Assert.Contains(Metrics(export, "threadedlogging.collector.ingest.duration").SelectMany(m => m.Histogram.DataPoints), p => p.Count == 1 && p.ExplicitBounds.Count == 14);
        Assert.Contains(export.ResourceMetrics[0].ScopeMetrics, s => s.Scope.Name == "Microsoft.AspNetCore.Hosting");
        Assert.Contains(export.ResourceMetrics[0].ScopeMetrics, s => s.Scope.Name == "System.Runtime");
        Assert.Equal("ops", receiver.LastTenantHeader);
    }

    /// <summary>
    /// The cause of a timeout of the test above in a full run: the SDK listened to every meter of the process with our
    /// meter's name, put the instruments of all of them in one stream, and when another collector stopped (its meter
    /// disposed) it retired that stream; this collector's counts went on into it but were never exported again.
    /// </summary>
    [Fact]
    public async Task Export_AnotherCollectorOfTheProcessStopped_ThisCollectorsRequestsStillExported()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync($"--Collector:Metrics:OtlpEndpoint={receiver.BaseAddress}", "--Collector:Metrics:ExportInterval=00:00:01");
        await (await CollectorFixture.StartAsync()).DisposeAsync();

        // Two exports after the other collector stopped: the second was collected after it, where a retired stream is gone.
        var exports = 0;
        await receiver.FirstAsync(_ => ++exports == 2).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, await PostBatchAsync(collector, "m-2", 1));

        var export = await receiver.FirstAsync(e => StoredJsonBatchRequests(e) == 1).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, Points(export, "threadedlogging.collector.ingest.events").Sum(p => p.AsInt));
    }

    [Theory]
    [InlineData("--Collector:Metrics:OtlpEndpoint=otel-collector:4318", "Collector:Metrics:OtlpEndpoint")]
    [InlineData("--Collector:Metrics:OtlpProtocol=http/json", "Collector:Metrics:OtlpProtocol")]
    [InlineData("--Collector:Metrics:ExportInterval=00:00:00.100", "Collector:Metrics:ExportInterval")]
    [InlineData("--Collector:Metrics:OtlpHeaders=token", "Collector:Metrics:OtlpHeaders")]
    public async Task Start_BadMetricsOption_FailsNamingTheOption(string argument, string option)
    {
        var e = await Assert.ThrowsAsync<CollectorConfigurationException>(() => CollectorFixture.StartAsync(argument));
        Assert.Contains(option, e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// An endpoint's user part: quoted masked where the address is refused (it was quoted whole, the password too), and
    /// refused where the address was taken (the exporter never sends it: the collector started and exported without it).
    /// </summary>
    [Theory]
    [InlineData("--Collector:Metrics:OtlpEndpoint=ops:secret@otel:4318", "must be an absolute http or https address (was '***@otel:4318')")]
    [InlineData("--Collector:Metrics:OtlpEndpoint=http://ops:s3cret@127.0.0.1:5085", "Collector:Metrics:OtlpEndpoint 'http://***@127.0.0.1:5085' has a user part, which the exporter never sends: give the credentials in Collector:Metrics:OtlpHeaders")]
    public async Task Start_OtlpEndpointWithCredentials_RefusedWithoutQuotingThem(string argument, string reason)
    {
        var e = await Assert.ThrowsAsync<CollectorConfigurationException>(() => CollectorFixture.StartAsync(argument));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://otel:4318", "http/protobuf", "http://otel:4318/v1/metrics")]
    [InlineData("http://otel:4318/", "http/protobuf", "http://otel:4318/v1/metrics")]
    [InlineData("https://vendor.example/otlp/v1/metrics", "http/protobuf", "https://vendor.example/otlp/v1/metrics")]
    [InlineData("http://otel:4317", "grpc", "http://otel:4317/")]
    public void ExporterEndpoint_BaseAddress_MetricsPathAddedForHttpOnly(string endpoint, string protocol, string expected)
    {
        var options = new Collector.Diagnostics.MetricsExportOptions { OtlpEndpoint = endpoint, OtlpProtocol = protocol };
        Assert.Equal(expected, options.ExporterEndpoint.ToString());
    }

    private static async Task<HttpStatusCode> PostBatchAsync(CollectorFixture collector, string batchId, int count)
    {
        var events = Enumerable.Range(1, count)
            .Select(i => (object)new { timestamp = "2026-11-24T10:00:00Z", level = "Information", category = "App", message = $"event {i}", sequence = i, instanceId = "i-" + batchId })
            .ToArray();
        return (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", Http.Utf8(Http.Envelope(batchId, events)), "application/json")).Status;
    }

    private static long StoredJsonBatchRequests(ExportMetricsServiceRequest export) => Points(export, Requests).Where(IsStoredJsonBatch).Sum(p => p.AsInt);

    /// <summary>The metrics of a name.</summary>
    private static List<Metric> Metrics(ExportMetricsServiceRequest export, string name) =>
        [.. export.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics).Where(m => m.Name == name)];

    private static IEnumerable<NumberDataPoint> Points(ExportMetricsServiceRequest export, string name) =>
        Metrics(export, name).Where(m => m.DataCase == Metric.DataOneofCase.Sum).SelectMany(m => m.Sum.DataPoints);

    private static bool IsStoredJsonBatch(NumberDataPoint point) =>
        Attribute(point.Attributes, "format").StringValue == "json-batch"
        && Attribute(point.Attributes, "outcome").StringValue == "stored"
        && Attribute(point.Attributes, "http.response.status_code").IntValue == 200;

    private static AnyValue Attribute(IEnumerable<KeyValue> attributes, string key) => attributes.Single(a => a.Key == key).Value;

    /// <summary>An OTLP/HTTP metrics receiver on loopback: a real Kestrel server that parses every export.</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly List<(Func<ExportMetricsServiceRequest, bool> Condition, TaskCompletionSource<ExportMetricsServiceRequest> Done)> _waiters = [];
        private readonly Lock _lock = new();

        private OtlpReceiver(WebApplication app) => _app = app;

        public string BaseAddress => _app.Urls.Single();

        public string? LastTenantHeader { get; private set; }

        public static async Task<OtlpReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var receiver = new OtlpReceiver(app);
            app.MapPost("/v1/metrics", (Func<HttpContext, Task<IResult>>)receiver.ReceiveAsync);
            await app.StartAsync();
            return receiver;
        }

        public Task<ExportMetricsServiceRequest> FirstAsync(Func<ExportMetricsServiceRequest, bool> condition)
        {
            var done = new TaskCompletionSource<ExportMetricsServiceRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _waiters.Add((condition, done));
            }

            return done.Task;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();

        private async Task<IResult> ReceiveAsync(HttpContext context)
        {
            using var body = new MemoryStream();
            var input = context.Request.Headers.ContentEncoding == "gzip" ? new GZipStream(context.Request.Body, CompressionMode.Decompress) : context.Request.Body;
            await input.CopyToAsync(body);
            var export = ExportMetricsServiceRequest.Parser.ParseFrom(body.ToArray());
            LastTenantHeader = context.Request.Headers["x-tenant"];
            lock (_lock)
            {
                _waiters.RemoveAll(w => w.Condition(export) && w.Done.TrySetResult(export));
            }

            return Results.Bytes([], "application/x-protobuf");
        }
    }
}
