namespace ThreadedLogging.Collector.Security;

/// <summary>Which key an endpoint needs.</summary>
internal enum ApiKeyRole
{
    /// <summary>One of <c>Collector:IngestApiKeys</c>.</summary>
    Ingest,

    /// <summary><c>Collector:ReadApiKey</c>.</summary>
    Read,

    /// <summary><c>Collector:AdminApiKey</c>: changes level rules (issue 13).</summary>
    Admin,
}
