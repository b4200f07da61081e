namespace ThreadedLogging.Collector.Security;

/// <summary>Registers <see cref="ApiKeyFilter"/> on an endpoint group.</summary>
internal static class ApiKeyEndpointExtensions
{
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, ApiKeyRole role, bool seqCompatible = false)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(new ApiKeyFilter(role, seqCompatible));
        return builder;
    }
}
