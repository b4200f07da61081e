using Microsoft.AspNetCore.Http.HttpResults;

namespace ThreadedLogging.Collector.Responses;

/// <summary>Builds <c>{"error": "..."}</c> results.</summary>
internal static class ErrorResults
{
    public static JsonHttpResult<ErrorResponse> Create(int statusCode, string reason) =>
        TypedResults.Json(new ErrorResponse(reason), CollectorJsonContext.Default.ErrorResponse, statusCode: statusCode);
}
