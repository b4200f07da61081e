using ThreadedLogging.Collector.Responses;

namespace ThreadedLogging.Collector.Query;

/// <summary>
/// The one rule of the read and admin API's query strings (<see cref="QueryStringRules.TryCheckNames"/>): a name the
/// endpoint does not read (its <see cref="QueryParameters"/>, none without them), a name given twice or a value longer
/// than its name takes (<see cref="QueryParameterLengths"/>) is a 400 naming it, before the endpoint runs. A misspelt filter (<c>usr=alice</c>) silently widened the answer; one endpoint that
/// took anything (<c>/api/events/{id}</c>, its context, <c>/api/levels</c>) made callers believe a parameter worked.
/// </summary>
internal sealed class QueryParameterFilter : IEndpointFilter
{
    public static readonly QueryParameterFilter Instance = new();

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var known = http.GetEndpoint()?.Metadata.GetMetadata<QueryParameters>()?.Names ?? [];
        var maxFieldLength = http.RequestServices.GetRequiredService<CollectorOptions>().MaxFieldLength;
        return QueryStringRules.TryCheckNames(http.Request.Query, known, maxFieldLength, out var error)
            ? next(context)
            : ValueTask.FromResult<object?>(ErrorResults.Create(StatusCodes.Status400BadRequest, error));
    }
}
