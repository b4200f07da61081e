using System.Reflection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>
/// Pushes the collector's metrics over OTLP with OpenTelemetry's SDK when <c>Collector:Metrics:OtlpEndpoint</c> is set:
/// <see cref="CollectorMetrics"/> and the runtime's own meters for ASP.NET Core's requests and connections and the .NET
/// runtime (GC, thread pool, CPU), with <c>service.name</c> <c>ThreadedLogging.Collector</c>.
/// </summary>
internal static class CollectorMetricsExport
{
    /// <summary>The meters exported besides the collector's own: built into ASP.NET Core and .NET, no instrumentation package needed.</summary>
    public static readonly IReadOnlyList<string> RuntimeMeters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime"];

    public static void AddMetricsExport(this IServiceCollection services, MetricsExportOptions options)
    {
        if (options.OtlpEndpoint is null)
        {
            return;
        }

        var version = typeof(CollectorMetricsExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(CollectorMetrics.MeterName, serviceVersion: version, serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}"))
            .WithMetrics(metrics => metrics
                .AddMeter([CollectorMetrics.MeterName, .. RuntimeMeters])
                .AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = options.ExporterEndpoint;
                    exporter.Protocol = options.OtlpProtocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                    exporter.Headers = options.OtlpHeaders;
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.ExportInterval.TotalMilliseconds;
                }));
    }
}
