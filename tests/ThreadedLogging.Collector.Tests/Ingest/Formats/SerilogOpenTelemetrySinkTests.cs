using System.Diagnostics;
using Serilog;
using Serilog.Context;
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

    [Fact]
    public async Task SerilogOpenTelemetrySink_EveryLevelThrownExceptionAndSpan_StoredAsSerilogHadThem()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=" + Key);
        using var activity = new Activity("checkout").SetIdFormat(ActivityIdFormat.W3C).Start();
        using (var log = new LoggerConfiguration().MinimumLevel.Verbose()
            .WriteTo.OpenTelemetry(sink =>
            {
                sink.Endpoint = new Uri(collector.BaseAddress, "v1/logs").ToString();
                sink.Protocol = OtlpProtocol.HttpProtobuf;
                sink.Headers = new Dictionary<string, string> { ["x-api-key"] = Key };
                sink.ResourceAttributes = new Dictionary<string, object> { ["service.name"] = "Payroll" };
            }).CreateLogger())
        {
            log.Verbose("Level {Level}", "verbose");
            log.Debug("Level {Level}", "debug");
            log.Information("Level {Level} {Amount:F1} {$Kind}", "information", 3, new[] { 1 });
            log.Warning("Level {Level}", "warning");
            log.Error("Level {Level}", "error");
            log.Fatal(ThrownExceptions.OuterWithInner(), "Level {Level}", "fatal");
        }

        var events = await collector.EventsAsync();
        Assert.Equal(
            [("Trace", "verbose"), ("Debug", "debug"), ("Information", "information"), ("Warning", "warning"), ("Error", "error"), ("Critical", "fatal")],
            events.Select(e => (e.GetProperty("level").GetString(), e.GetProperty("properties").GetProperty("Level").GetString()))
                .OrderBy(e => e.Item1 switch { "Trace" => 0, "Debug" => 1, "Information" => 2, "Warning" => 3, "Error" => 4, _ => 5 }));
        Assert.All(events, e => Assert.Equal(activity.SpanId.ToHexString(), e.GetProperty("context").GetProperty("spanId").GetString()));

        // Serilog's own rendering: the format applied, a stringified value as its text.
        var information = events.Single(e => e.GetProperty("level").GetString() == "Information");
        Assert.Equal("Level information 3.0 System.Int32[]", information.GetProperty("message").GetString());
        Assert.Equal("Level {Level} {Amount:F1} {$Kind}", information.GetProperty("template").GetString());
        Assert.Equal(3, information.GetProperty("properties").GetProperty("Amount").GetInt32());
        Assert.Equal("System.Int32[]", information.GetProperty("properties").GetProperty("Kind").GetString());

        // A thrown exception: its stack, and the inner exception read from the exception.stacktrace Serilog sends.
        var exception = events.Single(e => e.GetProperty("level").GetString() == "Critical").GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Equal("outer failed", exception.GetProperty("message").GetString());
        Assert.Contains(nameof(ThrownExceptions.OuterWithInner), exception.GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
        var inner = Assert.Single(exception.GetProperty("inner").EnumerateArray());
        Assert.Equal("System.ArgumentException", inner.GetProperty("type").GetString());
        Assert.Equal("inner bad (Parameter 'amount')", inner.GetProperty("message").GetString());
    }

    /// <summary>
    /// Serilog's sink sends every property, the template's holes too, as an attribute of the record, and the template in
    /// <c>message_template.text</c>: a hole ranks after the resource's attributes and the record's other properties (an
    /// enricher's, LogContext's), as in CLEF, and is still the identity without one.
    /// </summary>
    [Fact]
    public async Task SerilogOpenTelemetrySink_IdentityNamesAsTemplateHoles_RankAfterTheResourceAndLogContext_StillTheIdentityWithoutThem()
    {
        await using var collector = await CollectorFixture.StartAsync("--Collector:IngestApiKeys:0=" + Key);
        using (var log = new LoggerConfiguration().Enrich.FromLogContext()
            .WriteTo.OpenTelemetry(sink =>
            {
                sink.Endpoint = new Uri(collector.BaseAddress, "v1/logs").ToString();
                sink.Protocol = OtlpProtocol.HttpProtobuf;
                sink.Headers = new Dictionary<string, string> { ["x-api-key"] = Key };
                sink.ResourceAttributes = new Dictionary<string, object> { ["service.name"] = "ops-console", ["service.version"] = "1.0.0", ["host.name"] = "ops-vm" };
            }).CreateLogger())
        {
            log.Information("Restarting {ApplicationName} {version} on {machineName}", "billing", "2.0", "db-01");
            using (LogContext.PushProperty("user.id", "admin"))
            {
                log.Information("Deleted account {UserId}", "u-991");
            }

            log.Information("Locked account {UserId}", "u-992");
        }

        var events = (await collector.EventsAsync()).ToDictionary(e => e.GetProperty("template").GetString()!, StringComparer.Ordinal);
        var restart = events["Restarting {ApplicationName} {version} on {machineName}"];
        Assert.Equal(["ops-console", "1.0.0", "ops-vm"], new[] { "app", "version", "machine" }.Select(f => restart.GetProperty(f).GetString())); // before: billing, 2.0, db-01
        Assert.Equal("admin", events["Deleted account {UserId}"].GetProperty("user").GetString()); // before: u-991
        Assert.Equal("u-992", events["Locked account {UserId}"].GetProperty("user").GetString());
    }
}
