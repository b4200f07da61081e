using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;
using ThreadedLogging.Collector.Tests.Support;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Ingest.Formats;

/// <summary>
/// The real OpenTelemetry .NET OTLP exporter 1.20 pointed at the collector (issue 11): HttpProtobuf at <c>/v1/logs</c>, and
/// gRPC at <c>Collector:OtlpGrpcPort</c>.
/// </summary>
public sealed class OpenTelemetryExporterTests
{
    private const string Key = "otlp-key";

    [Fact]
    public async Task OtlpExporter_IncludeFormattedMessage_OriginalFormatIsTheTemplateNotAProperty()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using (var factory = LoggerFactory.Create(builder => builder.AddOpenTelemetry(otel =>
        {
            otel.IncludeFormattedMessage = true;
            otel.AddOtlpExporter(exporter =>
            {
                exporter.Endpoint = new Uri(collector.BaseAddress, "v1/logs");
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                exporter.ExportProcessorType = ExportProcessorType.Simple; // sent within the log call: see the next test
                exporter.TimeoutMilliseconds = 120_000;
            });
        })))
        {
            var logger = factory.CreateLogger("Shop");
            logger.LogInformation("Paid {Employee} {Amount}", "O'Neil", 1200.5);
            logger.LogInformation("Paid {Employee} {Amount}", "Ng", 7);
        }

        var events = await collector.EventsAsync();
        Assert.Equal(["Paid Ng 7", "Paid O'Neil 1200.5"], events.Select(e => e.GetProperty("message").GetString()).Order(StringComparer.Ordinal));
        foreach (var e in events)
        {
            Assert.Equal("Paid {Employee} {Amount}", e.GetProperty("template").GetString());
            var properties = e.GetProperty("properties");
            Assert.False(properties.TryGetProperty("{OriginalFormat}", out _), properties.GetRawText());
            Assert.True(properties.TryGetProperty("Employee", out _), properties.GetRawText());
        }
    }

    /// <summary>
    /// The exporter's endpoint set in code is the whole URL: given the collector's root over HTTP it posts to <c>/</c>, the
    /// console's page, which serves GET only (405). Neither the app nor the collector said a word, and every record was lost.
    /// </summary>
    [Fact]
    public async Task OtlpExporter_HttpEndpointSetInCodeWithoutV1Logs_CollectorLogSaysWhereLogsGo()
    {
        await using var collector = await CollectorFixture.StartAsync();
        var log = CollectingLoggerProvider.AttachTo(collector);
        using (var factory = LoggerFactory.Create(builder => builder.AddOpenTelemetry(otel => otel.AddOtlpExporter(exporter =>
        {
            exporter.Endpoint = collector.BaseAddress; // as OTEL_EXPORTER_OTLP_ENDPOINT is written, which the exporter completes itself
            exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
            exporter.ExportProcessorType = ExportProcessorType.Simple; // sent within the log call, its answer awaited
            exporter.TimeoutMilliseconds = 120_000;
        }))))
        {
            factory.CreateLogger("Shop").LogError("Payment of order {OrderId} failed", 48151623);
        }

        Assert.Empty(await collector.EventsAsync());
        var line = Assert.Single(log.Entries, e => e.Message.StartsWith("No ingest endpoint", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Equal("No ingest endpoint at POST /: answered 405 to 127.0.0.1 (0 more of this address since the last such line, at most one a minute); "
            + "logs are taken at POST /v1/logs (OTLP over HTTP: the whole URL), /api/events/raw (Seq, CLEF) and /log/{path}", line.Message);
    }

    [Fact]
    public async Task OtlpExporter_DefaultResourceWithEnvironmentAndCustomAttributes_KeptAsPropertiesInstanceFromServiceInstanceId()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using (var factory = LoggerFactory.Create(builder => builder.AddOpenTelemetry(otel =>
        {
            // CreateDefault: telemetry.sdk.* and what OTEL_RESOURCE_ATTRIBUTES says; set in code here, as the variable is the process's.
            otel.SetResourceBuilder(ResourceBuilder.CreateDefault()
                .AddService("Payroll", serviceNamespace: "shop", serviceVersion: "2.3.1", serviceInstanceId: "payroll-7f3c")
                .AddAttributes([new("deployment.environment.name", "production"), new("host.name", "PC-042"), new("team", "billing"), new("build", 512)]));
            otel.AddOtlpExporter(exporter =>
            {
                exporter.Endpoint = new Uri(collector.BaseAddress, "v1/logs");
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                // Each record sent within its log call, its answer awaited: a batch left for the provider's disposal
                // is dropped when its export outlasts the disposal's wait (a loaded machine).
                exporter.ExportProcessorType = ExportProcessorType.Simple;
                exporter.TimeoutMilliseconds = 120_000;
            });
        })))
        {
            var logger = factory.CreateLogger("Payroll.Run");
            logger.LogInformation("Paid {Employee}", "alice");
            logger.LogWarning("Paid {Employee} twice", "bob");
        }

        var events = await collector.EventsAsync("property=deployment.environment.name%3Dproduction");
        Assert.Equal(2, events.Count);
        foreach (var e in events)
        {
            Assert.Equal("payroll-7f3c", e.GetProperty("instanceId").GetString());
            Assert.Equal("Payroll.Run", e.GetProperty("category").GetString());
            var properties = e.GetProperty("properties");
            Assert.Equal("shop", properties.GetProperty("service.namespace").GetString());
            Assert.Equal("billing", properties.GetProperty("team").GetString());
            Assert.Equal(512, properties.GetProperty("build").GetInt32());
            Assert.Equal("dotnet", properties.GetProperty("telemetry.sdk.language").GetString());
            Assert.Equal("opentelemetry", properties.GetProperty("telemetry.sdk.name").GetString());
            Assert.True(properties.TryGetProperty("telemetry.sdk.version", out _), properties.GetRawText());

            // What fields of the event hold is not repeated as a property.
            Assert.Equal(("Payroll", "2.3.1", "PC-042"), (e.GetProperty("app").GetString(), e.GetProperty("version").GetString(), e.GetProperty("machine").GetString()));
            foreach (var name in new[] { "service.name", "service.version", "host.name", "service.instance.id" })
            {
                Assert.False(properties.TryGetProperty(name, out _), name + " in " + properties.GetRawText());
            }
        }

        Assert.Equal(["alice"], (await collector.EventsAsync("property=team%3Dbilling&levels=Information")).Select(e => e.GetProperty("properties").GetProperty("Employee").GetString()));
        Assert.Equal(2, (await collector.EventsAsync("instance=payroll-7f3c")).Count);
        Assert.Empty(await collector.EventsAsync("property=team%3Dsales"));
    }

    [Theory]
    [InlineData(OtlpExportProtocol.HttpProtobuf, false)]
    [InlineData(OtlpExportProtocol.HttpProtobuf, true)]
    [InlineData(OtlpExportProtocol.Grpc, false)]
    [InlineData(OtlpExportProtocol.Grpc, true)]
    public async Task OtlpExporter_EitherProtocol_ResourceScopesExceptionAndTraceStored(OtlpExportProtocol protocol, bool gzip)
    {
        await using var collector = await CollectorFixture.StartWithOtlpGrpcAsync("--Collector:IngestApiKeys:0=" + Key);
        var grpcPort = collector.OtlpGrpcPort;
        using var activity = new Activity("checkout").SetIdFormat(ActivityIdFormat.W3C).Start();
        var failure = ThrownExceptions.OuterWithInner();
        using (var factory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddOpenTelemetry(otel =>
        {
            otel.SetResourceBuilder(ResourceBuilder.CreateEmpty()
                .AddService("Payroll", serviceVersion: "2.3.1")
                .AddAttributes([new("host.name", "PC-042"), new("enduser.id", "alice"), new("process.pid", Environment.ProcessId)]));
            otel.IncludeScopes = true;
            otel.AddOtlpExporter(exporter =>
            {
                exporter.Endpoint = protocol == OtlpExportProtocol.Grpc ? new Uri($"http://127.0.0.1:{grpcPort}") : new Uri(collector.BaseAddress, "v1/logs");
                exporter.Protocol = protocol;
                exporter.Headers = (protocol == OtlpExportProtocol.Grpc ? "x-api-key=" : "X-Api-Key=") + Key;
                exporter.Compression = gzip ? OtlpExportCompression.GZip : OtlpExportCompression.None;
                // Each record sent within its log call, its answer awaited: the default batch processor drops what is left
                // for the provider's disposal when its export outlasts the disposal's wait (once in CI-like load: 0 of 4 stored
                // over gRPC, whose first call also opens the HTTP/2 connection).
                exporter.ExportProcessorType = ExportProcessorType.Simple;
                exporter.TimeoutMilliseconds = 120_000;
            });
        })))
        {
            var run = factory.CreateLogger("Payroll.Run");
            using (run.BeginScope(new Dictionary<string, object> { ["OrderId"] = 42 }))
            {
                run.LogInformation("Paid {Employee} {Amount} in {Items}", "O'Neil", 1200.5, new[] { 1, 2 });
            }

            run.LogError(failure, "Run {Name} failed", "nightly");
            factory.CreateLogger("Payroll.Disk").LogWarning("Disk at {Pct:0.00}%", 97.25);
            run.LogTrace("plain text with {{braces}} and no hole");
        }

        var events = await collector.EventsAsync();
        Assert.Equal(4, events.Count);
        foreach (var e in events)
        {
            Assert.Equal("Payroll", e.GetProperty("app").GetString());
            Assert.Equal("2.3.1", e.GetProperty("version").GetString());
            Assert.Equal("PC-042", e.GetProperty("machine").GetString());
            Assert.Equal("alice", e.GetProperty("user").GetString());
            Assert.Equal(activity.TraceId.ToHexString(), e.GetProperty("context").GetProperty("traceId").GetString());
            Assert.Equal(activity.SpanId.ToHexString(), e.GetProperty("context").GetProperty("spanId").GetString());
            Assert.Equal(Environment.ProcessId, e.GetProperty("context").GetProperty("processId").GetInt32());
        }

        var paid = events.Single(e => e.GetProperty("level").GetString() == "Information");
        Assert.Equal("Paid O'Neil 1200.5 in 1, 2", paid.GetProperty("message").GetString());
        Assert.Equal("Paid {Employee} {Amount} in {Items}", paid.GetProperty("template").GetString());
        Assert.Equal("Payroll.Run", paid.GetProperty("category").GetString());
        Assert.Equal(42, paid.GetProperty("properties").GetProperty("OrderId").GetInt32());
        Assert.Equal(1200.5, paid.GetProperty("properties").GetProperty("Amount").GetDouble());

        var disk = events.Single(e => e.GetProperty("level").GetString() == "Warning");
        Assert.Equal("Disk at 97.25%", disk.GetProperty("message").GetString());
        Assert.Equal("Payroll.Disk", disk.GetProperty("category").GetString());

        Assert.Equal("plain text with {braces} and no hole", events.Single(e => e.GetProperty("level").GetString() == "Trace").GetProperty("message").GetString());

        var error = events.Single(e => e.GetProperty("level").GetString() == "Error");
        Assert.Equal("Run nightly failed", error.GetProperty("message").GetString());
        var exception = error.GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Equal("outer failed", exception.GetProperty("message").GetString());
        Assert.Contains(nameof(ThrownExceptions.OuterWithInner), exception.GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
        Assert.Equal("System.ArgumentException", exception.GetProperty("inner")[0].GetProperty("type").GetString());
        Assert.False(error.GetProperty("properties").TryGetProperty("exception.type", out _));
    }
    [Fact]
    public async Task OtlpExporter_RecordIdentityUnderALaterName_RecordWinsOverTheResource()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using (var factory = LoggerFactory.Create(builder => builder.AddOpenTelemetry(otel =>
        {
            // The resource names each field by an earlier name of its list (enduser.id before user.id, Application before
            // service.name, Version before service.version, MachineName before host.name); the record by a later one.
            otel.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddAttributes(
                [new("enduser.id", "alice"), new("Application", "Payroll"), new("Version", "2.3.1"), new("MachineName", "PC-042")]));
            otel.IncludeScopes = true;
            otel.AddOtlpExporter(exporter =>
            {
                exporter.Endpoint = new Uri(collector.BaseAddress, "v1/logs");
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                // Each record sent within its log call, its answer awaited: a batch left for the provider's disposal
                // is dropped when its export outlasts the disposal's wait (a loaded machine).
                exporter.ExportProcessorType = ExportProcessorType.Simple;
                exporter.TimeoutMilliseconds = 120_000;
            });
        })))
        {
            var logger = factory.CreateLogger("Payroll.Run");
            logger.LogInformation("Run started");
            using (logger.BeginScope(new Dictionary<string, object>
            {
                ["user.id"] = "bob",
                ["service.name"] = "Payroll.Worker",
                ["service.version"] = "2.4.0",
                ["host.name"] = "PC-099",
            }))
            {
                logger.LogInformation("Refund approved");
            }
        }

        var events = (await collector.EventsAsync()).ToDictionary(e => e.GetProperty("message").GetString()!, StringComparer.Ordinal);
        var own = events["Refund approved"];
        Assert.Equal(["bob", "Payroll.Worker", "2.4.0", "PC-099"], new[] { "user", "app", "version", "machine" }.Select(f => own.GetProperty(f).GetString()));
        Assert.Equal("alice", own.GetProperty("properties").GetProperty("enduser.id").GetString()); // the resource's, kept
        var plain = events["Run started"];
        Assert.Equal(["alice", "Payroll", "2.3.1", "PC-042"], new[] { "user", "app", "version", "machine" }.Select(f => plain.GetProperty(f).GetString()));
    }

    /// <summary>
    /// OpenTelemetry .NET sends every hole of a template as an attribute of the record, and a record's attributes rank before
    /// the resource's: "Restarting {ApplicationName} {version} on {machineName}" filed the event under the app, version and
    /// machine restarted, not the resource's service.name, service.version and host.name. A hole now ranks after the
    /// resource's and the record's other attributes (a scope's), as in CLEF, and is still the identity without one. The
    /// template is the body, or <c>{OriginalFormat}</c> with <c>IncludeFormattedMessage</c>.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OtlpExporter_IdentityNamesAsTemplateHoles_RankAfterTheResourceAndTheScope_StillTheIdentityWithoutThem(bool includeFormattedMessage)
    {
        await using var collector = await CollectorFixture.StartAsync();
        using (var factory = LoggerFactory.Create(builder => builder.AddOpenTelemetry(otel =>
        {
            otel.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("ops-console", serviceVersion: "1.0.0", autoGenerateServiceInstanceId: false)
                .AddAttributes([new("host.name", "ops-vm")]));
            otel.IncludeScopes = true;
            otel.IncludeFormattedMessage = includeFormattedMessage;
            otel.AddOtlpExporter(exporter =>
            {
                exporter.Endpoint = new Uri(collector.BaseAddress, "v1/logs");
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                exporter.ExportProcessorType = ExportProcessorType.Simple; // each record sent within its log call (see above)
                exporter.TimeoutMilliseconds = 120_000;
            });
        })))
        {
            var logger = factory.CreateLogger("Ops");
            logger.LogInformation("Restarting {ApplicationName} {version} on {machineName}", "billing", "2.0", "db-01");
            using (logger.BeginScope(new Dictionary<string, object> { ["user.id"] = "admin" }))
            {
                logger.LogInformation("Deleted account {UserId}", "u-991");
            }

            logger.LogInformation("Locked account {UserId}", "u-992");
        }

        var events = (await collector.EventsAsync()).ToDictionary(e => e.GetProperty("template").GetString()!, StringComparer.Ordinal);
        var restart = events["Restarting {ApplicationName} {version} on {machineName}"];
        Assert.Equal("Restarting billing 2.0 on db-01", restart.GetProperty("message").GetString());
        Assert.Equal(["ops-console", "1.0.0", "ops-vm"], new[] { "app", "version", "machine" }.Select(f => restart.GetProperty(f).GetString())); // before: billing, 2.0, db-01
        Assert.Equal("billing", restart.GetProperty("properties").GetProperty("ApplicationName").GetString()); // the hole, kept as a property
        Assert.Equal("admin", events["Deleted account {UserId}"].GetProperty("user").GetString()); // before: u-991
        Assert.Equal("u-992", events["Locked account {UserId}"].GetProperty("user").GetString());
    }

    /// <summary>
    /// The identity names match an attribute in any ASCII case, the resource's and the record's: an app whose resource says
    /// <c>applicationName</c> and <c>machineName</c>, and whose scope says <c>userId</c>, was filed under none of them. The
    /// name as written wins over another case of it.
    /// </summary>
    [Fact]
    public async Task OtlpExporter_IdentityAttributesInAnotherCase_ReadAsTheNames_TheCaseWrittenWinsOverAnother()
    {
        await using var collector = await CollectorFixture.StartAsync();
        using (var factory = LoggerFactory.Create(builder => builder.AddOpenTelemetry(otel =>
        {
            otel.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddAttributes([new("applicationName", "Payroll"), new("machineName", "PC-042")]));
            otel.IncludeScopes = true;
            otel.AddOtlpExporter(exporter =>
            {
                exporter.Endpoint = new Uri(collector.BaseAddress, "v1/logs");
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                exporter.ExportProcessorType = ExportProcessorType.Simple; // each record sent within its log call (see above)
                exporter.TimeoutMilliseconds = 120_000;
            });
        })))
        {
            var logger = factory.CreateLogger("Payroll.Run");
            using (logger.BeginScope(new Dictionary<string, object> { ["userId"] = "bob" }))
            {
                logger.LogInformation("Refund approved");
            }

            using (logger.BeginScope(new Dictionary<string, object> { ["userName"] = "not-carol", ["UserName"] = "carol" }))
            {
                logger.LogInformation("Payslip sent");
            }
        }

        var events = (await collector.EventsAsync()).ToDictionary(e => e.GetProperty("message").GetString()!, StringComparer.Ordinal);
        Assert.Equal(["bob", "Payroll", "PC-042"], new[] { "user", "app", "machine" }.Select(f => events["Refund approved"].GetProperty(f).GetString()));
        Assert.Equal("carol", events["Payslip sent"].GetProperty("user").GetString());
    }
}
