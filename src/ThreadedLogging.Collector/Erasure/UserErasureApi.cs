using Microsoft.AspNetCore.Http.HttpResults;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Query;
using ThreadedLogging.Collector.Responses;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Erasure;

/// <summary>
/// <c>DELETE /api/users/{user}</c>, or <c>DELETE /api/users?user={user}</c> for any name (admin key, or a console session signed in with it; CSRF as for level rules): erases
/// every stored event of the user, its full text, its row of the users list and its names (a right-to-erasure request).
/// docs/QUERY.md.
/// </summary>
internal static class UserErasureApi
{
    public static IEndpointRouteBuilder MapUserErasure(this IEndpointRouteBuilder routes)
    {
        // A catch-all: a name with a '/' (sent as %2F, as ingest paths take it) is one user, and an empty one gets its reason.
        // Also DELETE /api/users?user=NAME: any name, those no path segment can carry ('.', '..', NUL) included.
        routes.MapGroup("/api/users").RequireApiKey(ApiKeyRole.Admin).RefuseUnknownQueryParameters().MapDelete("/{**user}", EraseAsync).WithQueryParameters("user");
        return routes;
    }

    private static async Task<Results<Ok<UserErasureResponse>, JsonHttpResult<ErrorResponse>>> EraseAsync(
        string? user, HttpContext context, IUserErasure erasure, CollectorOptions options, ApiKeyRing keys, CollectorMetrics metrics,
        ILogger<UserErasureResponse> logger, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrEmpty(user) ? null : Uri.UnescapeDataString(RawRouteValue.Of(context, user)); // a%252Fb is "a%2Fb", a%2Fb "a/b"
        if (QueryStringRules.Get(context.Request.Query, "user") is { } queried)
        {
            // review14: '.' and '..' are steps to every URL parser (/api/users/.. is /api) and Kestrel refuses a NUL in a path,
            // so names older versions stored so were out of reach of the path; the query's value is any text, decoded once.
            if (name is not null)
            {
                return ErrorResults.Create(StatusCodes.Status400BadRequest, "give the user in the path or in ?user=, not both");
            }

            name = queried;
        }

        if (string.IsNullOrEmpty(name))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, "a user name is required: DELETE /api/users/{user} or DELETE /api/users?user={user}");
        }

        // The path's name is checked as the query's is (QueryParameterFilter, before this runs): one limit, one reason.
        if (!QueryStringRules.IsShortEnough("user", name, QueryParameterLengths.Of("user", options.MaxFieldLength), out var tooLong))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, tooLong);
        }

        var erased = await erasure.EraseUserAsync(name, cancellationToken);
        metrics.UserErased(erased);
        // The record of the request: a name is any text a client logged under (a newline too), erased as it is but written on
        // one line (LoggedText), whole up to the longest name stored, so that it cannot add the record of another erasure.
        CollectorLog.UserErased(logger, LoggedText.Of(name, options.MaxFieldLength), erased, AdminActor.Of(keys, context.Request));
        return TypedResults.Ok(new UserErasureResponse(name, erased));
    }
}
