using System.Diagnostics;
using Serilog;
using Serilog.Sinks.OpenTelemetry;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>
/// A Serilog app on Serilog's own OpenTelemetry sink (Serilog.Sinks.OpenTelemetry 4.2, the real package, its defaults)
/// pointed at the collector, over OTLP/HTTP protobuf and OTLP/gRPC: the rendered message, the template from
/// <c>message_template.text</c>, properties with destructured objects and sequences as values, the exception, the
/// category from <c>SourceContext</c> and the identity from resource attributes.
/// </summary>
public sealed class SerilogOpenTelemetrySinkTests
{
    private const string Key = "otlp-key";

    [Theory]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    [InlineData(OtlpProtocol.Grpc)]
    public async Task SerilogOpenTelemetrySink_EitherProtocol_TemplatePropertiesExceptionAndIdentityStored(OtlpProtocol protocol)
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync("--Collector:IngestApiKeys:0=" + Key);
        var grpcPort = collector.OtlpGrpcPort;
        using var activity = new Activity("checkout").SetIdFormat(ActivityIdFormat.W3C).Start();
        using (var log = new LoggerConfiguration().MinimumLevel.Verbose().Enrich.WithProperty("Shop", "north")
            .WriteTo.OpenTelemetry(sink =>
            {
                sink.Endpoint = protocol == OtlpProtocol.Grpc ? $"http://127.0.0.1:{grpcPort}" : new Uri(collector.BaseAddress, "v1/logs").ToString();
                sink.Protocol = protocol;
                sink.Headers = new Dictionary<string, string> { ["x-api-key"] = Key };
                sink.ResourceAttributes = new Dictionary<string, object> { ["service.name"] = "Payroll", ["service.version"] = "2.3.1", ["enduser.id"] = "alice", ["host.name"] = "PC-042" };
            }).CreateLogger())
        {
            log.ForContext("SourceContext", "Payroll.Run").Information("Paid {Employee} {Amount} by {@Buyer} in {Items}", "O'Neil", 1200.5, new { Name = "ann", Age = 3 }, new[] { 1, 2 });
            log.ForContext("SourceContext", "Payroll.Run").Error(new InvalidOperationException("boom"), "Run {Name} failed", "nightly");
        }

        var events = await collector.EventsAsync();
        Assert.Equal(2, events.Count);
        foreach (var e in events)
        {
            Assert.Equal("Payroll", e.GetProperty("app").GetString());
            Assert.Equal("2.3.1", e.GetProperty("version").GetString());
            Assert.Equal("alice", e.GetProperty("user").GetString());
            Assert.Equal("PC-042", e.GetProperty("machine").GetString());
            Assert.Equal("Payroll.Run", e.GetProperty("category").GetString());
            Assert.Equal(activity.TraceId.ToHexString(), e.GetProperty("context").GetProperty("traceId").GetString());
            Assert.False(e.GetProperty("properties").TryGetProperty("message_template.text", out _));
        }

        var paid = events.Single(e => e.GetProperty("level").GetString() == "Information");
        Assert.Equal("Paid {Employee} {Amount} by {@Buyer} in {Items}", paid.GetProperty("template").GetString());
        Assert.Equal("Paid O'Neil 1200.5 by {\"Name\":\"ann\",\"Age\":3} in [1,2]", paid.GetProperty("message").GetString());
        var properties = paid.GetProperty("properties");
        Assert.Equal("""{"Name":"ann","Age":3}""", properties.GetProperty("Buyer").GetRawText());
        Assert.Equal("[1,2]", properties.GetProperty("Items").GetRawText());
        Assert.Equal(1200.5, properties.GetProperty("Amount").GetDouble());
        Assert.Equal("north", properties.GetProperty("Shop").GetString());

        var failed = events.Single(e => e.GetProperty("level").GetString() == "Error");
        Assert.Equal("Run {Name} failed", failed.GetProperty("template").GetString());
        Assert.Equal("Run nightly failed", failed.GetProperty("message").GetString());
        Assert.Equal("System.InvalidOperationException", failed.GetProperty("exception").GetProperty("type").GetString());
        Assert.Equal("boom", failed.GetProperty("exception").GetProperty("message").GetString());
    }
}
