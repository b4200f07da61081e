using System.Diagnostics.Metrics;
using Prometheus;

namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>
/// <c>GET /metrics</c> in Prometheus's text format (<c>Collector:Metrics:Prometheus</c>): prometheus-net's
/// <see cref="MeterAdapter"/> publishes <see cref="CollectorMetrics"/> and the meters the OTLP export sends
/// (<see cref="CollectorMetricsExport.RuntimeMeters"/>, this app's only) into a registry of this app's own, beside
/// prometheus-net's <c>process_*</c> metrics, so two collectors in one process (the tests) never count each other's requests.
/// Reading needs the read or admin key when one is configured, as <c>/api</c> reads do.
/// </summary>
internal sealed class PrometheusMetrics : IDisposable
{
    /// <summary>The scrape path, Prometheus's default <c>metrics_path</c>.</summary>
    public const string Path = "/metrics";

    private static readonly string[] HistogramSuffixes = [".count", "_count", ".sum", "_sum", ".bucket", "_bucket"];

    private readonly IDisposable _adapter;

    public PrometheusMetrics(IMeterFactory meters)
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        _adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            MetricFactory = null, // else the process-wide default registry is written to, whatever Registry says
            InstrumentFilterPredicate = instrument => Publishes(instrument, meters),
            // The adapter forgets a series not updated for this long (then it starts again from 0); our tags are few
            // and fixed, so keep them as long as it allows (a day), not its 5 minutes: an idle night keeps its totals.
            MetricsExpireAfter = TimeSpan.FromDays(1),
            ResolveHistogramBuckets = Buckets,
        });
    }

    /// <summary>Gets the registry <c>GET /metrics</c> serializes.</summary>
    public CollectorRegistry Registry { get; }

    public void Dispose() => _adapter.Dispose();

    /// <summary>
    /// Whether an instrument is one we publish: of this app's meters (<see cref="CollectorMetricsExport.IsExported"/>),
    /// not a number whose name ends as a histogram's parts do (<c>System.Runtime</c>'s <c>dotnet.thread_pool.thread.count</c>
    /// and four more): the adapter cannot rename it, a scraper would read <c>..._count</c> as a histogram's count, and
    /// <c>promtool check metrics</c> refuses it.
    /// </summary>
    internal static bool Publishes(Instrument instrument, IMeterFactory meters) =>
        CollectorMetricsExport.IsExported(instrument.Meter, meters)
        && !(instrument.GetType().GetGenericTypeDefinition() != typeof(Histogram<>) && HistogramSuffixes.Any(s => instrument.Name.EndsWith(s, StringComparison.Ordinal)));

    /// <summary>A histogram's buckets as its instrument advises (ours: 0.5 ms to 10 s; ASP.NET Core's request duration), else prometheus-net's.</summary>
    private static double[] Buckets(Instrument instrument) =>
        instrument is Histogram<double> { Advice.HistogramBucketBoundaries: { Count: > 0 } bounds }
            ? [.. bounds]
            : MeterAdapterOptions.DefaultHistogramBuckets;
}
