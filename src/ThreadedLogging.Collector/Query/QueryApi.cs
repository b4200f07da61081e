using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Query.Export;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Responses;

namespace ThreadedLogging.Collector.Query;

/// <summary>Read endpoints: events (a page, one, its context, the live stream, the export, counts by time and by value, both at once) and users. docs/QUERY.md.</summary>
internal static class QueryApi
{
    /// <summary>Set (<c>true</c>) on a search's answer that may lack events the full-text index does not hold yet (<see cref="EventsResponse.IndexBehind"/>).</summary>
    public const string IndexBehindHeader = "X-Index-Behind";

    /// <summary>The most events of context on each side.</summary>
    public const int MaxContext = 200;

    public static IEndpointRouteBuilder MapQuery(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").RequireApiKey(ApiKeyRole.Read).RefuseUnknownQueryParameters();
        group.MapGet("/events", GetEventsAsync).WithQueryParameters(EventQueryParser.Known);
        group.MapGet("/events/{id:long}", GetEventAsync);
        group.MapGet("/events/{id:long}/context", GetContextAsync).WithQueryParameters("count");
        group.MapGet("/events/stream", EventStreamApi.Stream).WithQueryParameters(EventQueryParser.Known);
        group.MapGet("/events/export", ExportApi.Export).WithQueryParameters(ExportApi.Known);
        group.MapGet("/events/histogram", HistogramApi.GetAsync).WithQueryParameters(HistogramApi.Known);
        group.MapGet("/events/top", TopValuesApi.GetAsync).WithQueryParameters(TopValuesApi.Known);
        group.MapGet("/events/summary", SummaryApi.GetAsync).WithQueryParameters(SummaryApi.Known);
        group.MapGet("/users", GetUsersAsync).WithQueryParameters(UserQueryParser.Known);
        return routes;
    }

    private static async Task<Results<Ok<EventsResponse>, JsonHttpResult<ErrorResponse>>> GetEventsAsync(
        HttpRequest request, IEventStore store, CollectorOptions options, CancellationToken cancellationToken)
    {
        if (!EventQueryParser.TryParse(request.Query, options.MaxQueryLimit, out var query, out var error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        var page = await store.QueryAsync(query, cancellationToken);
        if (page.IndexBehind)
        {
            request.HttpContext.Response.Headers[IndexBehindHeader] = "true";
        }

        return TypedResults.Ok(new EventsResponse([.. page.Events.Select(EventMapper.ToDto)], page.Next?.ToString(), page.IndexBehind, page.IndexBehindEvents));
    }

    private static async Task<Results<Ok<EventDto>, JsonHttpResult<ErrorResponse>>> GetEventAsync(
        long id, IEventStore store, CancellationToken cancellationToken)
    {
        return await store.GetEventAsync(id, cancellationToken) is { } stored
            ? TypedResults.Ok(EventMapper.ToDto(stored))
            : ErrorResults.Create(StatusCodes.Status404NotFound, $"no event with id {id}");
    }

    private static async Task<Results<Ok<EventContextResponse>, JsonHttpResult<ErrorResponse>>> GetContextAsync(
        long id, HttpRequest request, IEventStore store, CancellationToken cancellationToken)
    {
        var count = 20;
        if (!QueryStringRules.TryCount(request.Query, "count", MaxContext, ref count, out var error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        if (await store.GetContextAsync(id, count, cancellationToken) is not { } context)
        {
            return ErrorResults.Create(StatusCodes.Status404NotFound, $"no event with id {id}");
        }

        return TypedResults.Ok(new EventContextResponse(
            [.. context.Before.Select(EventMapper.ToDto)], EventMapper.ToDto(context.Event), [.. context.After.Select(EventMapper.ToDto)],
            context.ByTime ? "time" : "sequence", context.Same, context.WindowFrom, context.WindowTo));
    }

    private static async Task<Results<Ok<UsersResponse>, JsonHttpResult<ErrorResponse>>> GetUsersAsync(
        HttpRequest request, IEventStore store, CollectorOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!UserQueryParser.TryParse(request.Query, options.MaxQueryLimit, time.GetUtcNow(), options.MaxClockSkew, out var query, out var error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        var page = await store.GetUsersAsync(query, cancellationToken);
        return TypedResults.Ok(new UsersResponse([.. page.Users.Select(EventMapper.ToDto)], page.Next?.ToString(), query.WindowFrom, query.WindowTo));
    }
}
