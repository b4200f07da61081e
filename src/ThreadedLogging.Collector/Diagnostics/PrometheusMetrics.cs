using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>
/// <c>GET /metrics</c> in Prometheus's text format (<c>Collector:Metrics:Prometheus</c>): OpenTelemetry's Prometheus
/// exporter reads <see cref="CollectorMetrics"/> and the meters the OTLP export sends (<see cref="CollectorMetricsExport.RuntimeMeters"/>,
/// this app's only) through a meter provider of its own, so the names and types are OpenTelemetry's Prometheus mapping:
/// a counter is a <c>counter</c> named <c>..._total</c>, a duration in seconds a histogram named <c>..._seconds</c>.
/// Its own provider (not the OTLP export's) because what it leaves out (<see cref="Publishes"/>) the OTLP export keeps.
/// Reading needs the read or admin key when one is configured, as <c>/api</c> reads do.
/// </summary>
internal sealed class PrometheusMetrics : IDisposable
{
    /// <summary>The scrape path, Prometheus's default <c>metrics_path</c>.</summary>
    public const string Path = "/metrics";

    private static readonly string[] HistogramSuffixes = [".count", "_count", ".sum", "_sum", ".bucket", "_bucket"];

    public PrometheusMetrics(IMeterFactory meters)
    {
        Provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(CollectorMetricsExport.DescribeService)
            .AddMeter([CollectorMetrics.MeterName, .. CollectorMetricsExport.RuntimeMeters])
            .AddView(instrument => Publishes(instrument, meters) ? null : MetricStreamConfiguration.Drop)
            .AddPrometheusExporter(options =>
            {
                options.ScrapeEndpointPath = Path;
                // Every scrape reads the counts of that moment; Prometheus scrapes every 15 s or more, not every 300 ms.
                options.ScrapeResponseCacheDurationMilliseconds = 0;
            })
            .Build();
    }

    /// <summary>Gets the meter provider whose Prometheus exporter <c>GET /metrics</c> answers from.</summary>
    public MeterProvider Provider { get; }

    public void Dispose() => Provider.Dispose();

    /// <summary>
    /// Whether an instrument is one we publish: of this app's meters (<see cref="CollectorMetricsExport.IsExported"/>),
    /// not a number whose name ends as a histogram's parts do (<c>System.Runtime</c>'s <c>dotnet.thread_pool.thread.count</c>
    /// and four more): a scraper would read <c>..._count</c> as a histogram's count, and <c>promtool check metrics</c> refuses it.
    /// </summary>
    internal static bool Publishes(Instrument instrument, IMeterFactory meters) =>
        CollectorMetricsExport.IsExported(instrument.Meter, meters)
        && !(instrument.GetType().GetGenericTypeDefinition() != typeof(Histogram<>) && HistogramSuffixes.Any(s => instrument.Name.EndsWith(s, StringComparison.Ordinal)));
}
