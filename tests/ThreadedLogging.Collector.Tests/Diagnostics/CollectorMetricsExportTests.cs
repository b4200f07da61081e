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
    [Fact]
    public async Task Export_OtlpEndpointSet_CollectorAndRuntimeMetricsArriveOverOtlpHttp()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var collector = await CollectorFixture.StartAsync(
            $"--Collector:Metrics:OtlpEndpoint={receiver.BaseAddress}", "--Collector:Metrics:ExportInterval=00:00:01", "--Collector:Metrics:OtlpHeaders=x-tenant=ops");

        var batch = Http.Utf8(Http.Envelope("m-1",
            new { timestamp = "2026-11-24T10:00:00Z", level = "Information", category = "App", message = "one", sequence = 1, instanceId = "i-m" },
            new { timestamp = "2026-11-24T10:00:01Z", level = "Information", category = "App", message = "two", sequence = 2, instanceId = "i-m" }));
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(collector.Client, HttpMethod.Post, "api/events", batch, "application/json")).Status);

        // The request was counted before it was answered, so an export collected after the answer includes it. Exports
        // come every second; wait (for an export, not for time) for one collected after. The SDK aggregates every meter
        // of the name in the process, and other tests' collectors run in this one at the same time, so counts here are
        // at least this test's (exact counts: CollectorMetricsTests, which tell meters apart).
        var answered = (ulong)(DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        var export = await receiver.FirstAsync(e => Points(e, "threadedlogging.collector.ingest.requests").Any(p => IsStoredJsonBatch(p) && p.TimeUnixNano > answered))
            .WaitAsync(TimeSpan.FromSeconds(60));

        var resource = Assert.Single(export.ResourceMetrics).Resource.Attributes;
        Assert.Equal("ThreadedLogging.Collector", Attribute(resource, "service.name").StringValue);
        Assert.All(Metrics(export, "threadedlogging.collector.ingest.requests"), m => Assert.True(m.Unit == "{request}" && m.Sum.IsMonotonic));
        Assert.InRange(Points(export, "threadedlogging.collector.ingest.events").Where(p => Attribute(p.Attributes, "format").StringValue == "json-batch").Sum(p => p.AsInt), 2, long.MaxValue);
        Assert.Contains(Metrics(export, "threadedlogging.collector.ingest.duration").SelectMany(m => m.Histogram.DataPoints), p => p.Count >= 1 && p.ExplicitBounds.Count == 14);
        Assert.Contains(export.ResourceMetrics[0].ScopeMetrics, s => s.Scope.Name == "Microsoft.AspNetCore.Hosting");
        Assert.Contains(export.ResourceMetrics[0].ScopeMetrics, s => s.Scope.Name == "System.Runtime");
        Assert.Equal("ops", receiver.LastTenantHeader);
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

    /// <summary>The metrics of a name: one per collector of the process (the tests run several at once; one in production).</summary>
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
