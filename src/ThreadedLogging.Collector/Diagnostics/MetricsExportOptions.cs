namespace ThreadedLogging.Collector.Diagnostics;

/// <summary>
/// How the collector's metrics are read: the <c>Collector:Metrics</c> section. Scraped at <c>GET /metrics</c> (Prometheus)
/// unless <see cref="Prometheus"/> is false; pushed over OTLP only when <see cref="OtlpEndpoint"/> is set.
/// </summary>
internal sealed class MetricsExportOptions
{
    /// <summary>The protocols <see cref="OtlpProtocol"/> accepts, as OpenTelemetry's <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> names them.</summary>
    public static readonly IReadOnlyList<string> Protocols = ["http/protobuf", "grpc"];

    /// <summary>
    /// Gets or sets a value indicating whether <c>GET /metrics</c> serves the metrics in Prometheus's text format. On by
    /// default: it shows counts and timings only (the read key already shows the events themselves) under the same key
    /// and loopback rules as <c>/api</c> reads, and costs a few dictionary lookups per request, not per event, whether
    /// scraped or not. The default value is true.
    /// </summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>
    /// Gets or sets the OTLP receiver (an OpenTelemetry Collector, Prometheus's OTLP receiver, a vendor's endpoint): its
    /// base address for <c>http/protobuf</c> (<c>/v1/metrics</c> is added unless the path already ends so), its address
    /// for <c>grpc</c>. Null: no export. The default value is null.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Gets or sets the protocol: <c>http/protobuf</c> or <c>grpc</c>. The default value is <c>http/protobuf</c>.</summary>
    public string OtlpProtocol { get; set; } = "http/protobuf";

    /// <summary>Gets or sets headers sent with every export, as <c>OTEL_EXPORTER_OTLP_HEADERS</c> writes them (<c>api-key=secret,x-tenant=ops</c>). The default value is null.</summary>
    public string? OtlpHeaders { get; set; }

    /// <summary>Gets or sets how often the metrics are pushed. The default value is one minute (OpenTelemetry's).</summary>
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets the endpoint the exporter is given: for <c>http/protobuf</c> the metrics path is part of it.</summary>
    public Uri ExporterEndpoint
    {
        get
        {
            var endpoint = new Uri(OtlpEndpoint!, UriKind.Absolute);
            if (OtlpProtocol != "http/protobuf" || endpoint.AbsolutePath.EndsWith("/v1/metrics", StringComparison.Ordinal))
            {
                return endpoint;
            }

            return new UriBuilder(endpoint) { Path = endpoint.AbsolutePath.TrimEnd('/') + "/v1/metrics" }.Uri;
        }
    }

    /// <summary>Adds the problems of these options to <paramref name="errors"/>, each naming the option and its value.</summary>
    public void Validate(List<string> errors)
    {
        if (OtlpEndpoint is not null)
        {
            if (!Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                // Masked: a value without its scheme (ops:secret@otel:4318) was quoted whole, its password too.
                errors.Add($"Collector:Metrics:OtlpEndpoint must be an absolute http or https address (was '{ProxyAddress.Masked(OtlpEndpoint)}').");
            }
            else if (endpoint.UserInfo.Length > 0)
            {
                // The exporter sends no credentials of an address: they were dropped silently.
                errors.Add($"Collector:Metrics:OtlpEndpoint '{ProxyAddress.Masked(OtlpEndpoint)}' has a user part, which the exporter never sends: give the credentials in Collector:Metrics:OtlpHeaders (Authorization=Basic …).");
            }
        }

        if (!Protocols.Contains(OtlpProtocol))
        {
            errors.Add($"Collector:Metrics:OtlpProtocol must be one of {string.Join(", ", Protocols)} (was '{OtlpProtocol}').");
        }

        if (OtlpHeaders is { } headers && headers.Split(',', StringSplitOptions.RemoveEmptyEntries).Any(h => h.IndexOf('=', StringComparison.Ordinal) <= 0))
        {
            errors.Add("Collector:Metrics:OtlpHeaders must be name=value pairs separated by commas.");
        }

        if (ExportInterval < TimeSpan.FromSeconds(1) || ExportInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"Collector:Metrics:ExportInterval must be between 00:00:01 and 01:00:00 (was {ExportInterval}).");
        }
    }
}
