namespace ThreadedLogging.Collector.Query;

/// <summary>
/// Endpoint metadata: the query parameters an endpoint of the read and admin API reads. <see cref="QueryParameterFilter"/>
/// refuses any other name; an endpoint without this metadata reads none.
/// </summary>
/// <param name="Names">The names, as the reason of a 400 lists them.</param>
internal sealed record QueryParameters(IReadOnlyList<string> Names);
