using System.Diagnostics.Metrics;
using System.Reflection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>
/// Pushes the collector's metrics over OTLP with OpenTelemetry's SDK when <c>Collector:Metrics:OtlpEndpoint</c> is set:
/// <see cref="CollectorMetrics"/> and the runtime's own meters for ASP.NET Core's requests and connections and the .NET
/// runtime (GC, thread pool, CPU), with <c>service.name</c> <c>ThreadedLogging.Collector</c>. Only the meters this app
/// made (<see cref="IsExported"/>): the SDK subscribes by name, process-wide.
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

        services.AddOpenTelemetry()
            .ConfigureResource(DescribeService)
            .WithMetrics(metrics => ((IDeferredMeterProviderBuilder)metrics
                .AddMeter([CollectorMetrics.MeterName, .. RuntimeMeters]))
                .Configure((provider, builder) =>
                {
                    var meters = provider.GetRequiredService<IMeterFactory>();
                    builder.AddView(instrument => IsExported(instrument.Meter, meters) ? null : MetricStreamConfiguration.Drop);
                })
                .AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = options.ExporterEndpoint;
                    exporter.Protocol = options.OtlpProtocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                    exporter.Headers = options.OtlpHeaders;
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.ExportInterval.TotalMilliseconds;
                }));
    }

    /// <summary>The resource of the metrics: <c>service.name</c> <c>ThreadedLogging.Collector</c>, its version and the instance (machine:pid).</summary>
    public static void DescribeService(ResourceBuilder resource) =>
        resource.AddService(
            CollectorMetrics.MeterName,
            serviceVersion: typeof(CollectorMetricsExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}");

    /// <summary>
    /// Whether a meter of one of our names is this app's: made by its <paramref name="meters"/> (the collector's own,
    /// ASP.NET Core's), or the runtime's process-wide <c>System.Runtime</c>. Another host in the process (the tests run
    /// many collectors in one) has meters of the same names; the SDK put its instruments in the same streams as ours,
    /// and when that host stopped it retired the streams, so this collector's counts were no longer exported.
    /// </summary>
    public static bool IsExported(Meter meter, IMeterFactory meters) =>
        (meter.Name == CollectorMetrics.MeterName || RuntimeMeters.Contains(meter.Name))
        && (ReferenceEquals(meter.Scope, meters) || meter.Scope is null);
}
