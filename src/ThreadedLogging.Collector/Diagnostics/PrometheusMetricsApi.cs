using Microsoft.AspNetCore.Routing;
using ThreadedLogging.Collector.Security;

namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>Maps <c>GET /metrics</c> (Prometheus's scrape) unless <c>Collector:Metrics:Prometheus</c> is false.</summary>
internal static class PrometheusMetricsApi
{
    /// <summary>Registers <see cref="PrometheusMetrics"/> when the endpoint is on.</summary>
    public static void AddPrometheusMetrics(this IServiceCollection services, MetricsExportOptions options)
    {
        if (options.Prometheus)
        {
            services.AddSingleton<PrometheusMetrics>();
        }
    }

    /// <summary>
    /// Maps the scrape and starts listening at once: a counter counts from when the provider listens, not from the
    /// first scrape. OpenTelemetry's middleware answers (text format, or OpenMetrics when the scraper asks for it);
    /// the read key guards it as it guards <c>/api</c>, and without keys <see cref="KeylessRequestGuard"/> does.
    /// </summary>
    public static void MapPrometheusMetrics(this WebApplication app)
    {
        if (app.Services.GetService<PrometheusMetrics>() is not { } metrics)
        {
            return;
        }

        app.MapPrometheusScrapingEndpoint(PrometheusMetrics.Path, metrics.Provider, configureBranchedPipeline: null, optionsName: null)
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]))
            .RequireApiKey(ApiKeyRole.Read);
    }
}
