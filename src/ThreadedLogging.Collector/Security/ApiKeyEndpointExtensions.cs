namespace ThreadedLogging.Collector.Security;

/// <summary>Registers <see cref="ApiKeyFilter"/> on an endpoint group.</summary>
internal static class ApiKeyEndpointExtensions
{
    /// <summary>
    /// Requires <paramref name="role"/>'s key; <paramref name="ingests"/>: a refused ingest key is counted as a refused ingest. The
    /// filter is also the endpoint's metadata, by which <see cref="KeylessRequestGuard"/> knows the role.
    /// </summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, ApiKeyRole role, bool seqCompatible = false, bool ingests = true)
        where TBuilder : IEndpointConventionBuilder
    {
        var filter = new ApiKeyFilter(role, seqCompatible, ingests);
        builder.AddEndpointFilter(filter);
        builder.WithMetadata(filter);
        return builder;
    }
}
