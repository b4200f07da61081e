using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Storage;
using ThreadedLogging.Collector.Web;

namespace ThreadedLogging.Collector.Query;

/// <summary>Read endpoints: <c>GET /api/events</c> and <c>GET /api/users</c>.</summary>
internal static class QueryApi
{
    public static IEndpointRouteBuilder MapQuery(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api").RequireApiKey(ApiKeyRole.Read);
        group.MapGet("/events", GetEventsAsync);
        group.MapGet("/users", GetUsersAsync);
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
        return TypedResults.Ok(new EventsResponse([.. page.Events.Select(EventMapper.ToDto)], page.Next?.ToString()));
    }

    private static async Task<Results<Ok<UsersResponse>, JsonHttpResult<ErrorResponse>>> GetUsersAsync(
        HttpRequest request, IEventStore store, CollectorOptions options, CancellationToken cancellationToken)
    {
        var limit = options.MaxQueryLimit;
        if (request.Query["limit"] is { Count: > 0 } text
            && (!int.TryParse(text[0], out limit) || limit < 1 || limit > options.MaxQueryLimit))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, $"parameter 'limit' must be an integer between 1 and {options.MaxQueryLimit}");
        }

        var users = await store.GetUsersAsync(limit, cancellationToken);
        return TypedResults.Ok(new UsersResponse([.. users.Select(EventMapper.ToDto)]));
    }
}
