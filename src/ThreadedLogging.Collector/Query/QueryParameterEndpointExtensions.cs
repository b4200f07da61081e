namespace ThreadedLogging.Collector.Query;

/// <summary>Registers <see cref="QueryParameterFilter"/> on a group, and an endpoint's <see cref="QueryParameters"/>.</summary>
internal static class QueryParameterEndpointExtensions
{
    /// <summary>Every endpoint of the group refuses a query parameter it does not declare with <see cref="WithQueryParameters"/>.</summary>
    public static TBuilder RefuseUnknownQueryParameters<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(QueryParameterFilter.Instance);
        return builder;
    }

    /// <summary>The query parameters the endpoint reads; each must have a longest value (<see cref="QueryParameterLengths"/>).</summary>
    public static TBuilder WithQueryParameters<TBuilder>(this TBuilder builder, params string[] names)
        where TBuilder : IEndpointConventionBuilder
    {
        if (names.FirstOrDefault(name => !QueryParameterLengths.IsKnown(name)) is { } unbounded)
        {
            throw new InvalidOperationException($"query parameter '{unbounded}' has no longest value in QueryParameterLengths");
        }

        return builder.WithMetadata(new QueryParameters(names));
    }
}
