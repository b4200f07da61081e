namespace ThreadedLogging.Collector.Security;

/// <summary>Registers <see cref="ApiKeyFilter"/> on an endpoint group.</summary>
internal static class ApiKeyEndpointExtensions
{
    /// <summary>Requires <paramref name="role"/>'s key; <paramref name="ingests"/>: a refused ingest key is counted as a refused ingest.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, ApiKeyRole role, bool seqCompatible = false, bool ingests = true)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(new ApiKeyFilter(role, seqCompatible, ingests));
        return builder;
    }
}
