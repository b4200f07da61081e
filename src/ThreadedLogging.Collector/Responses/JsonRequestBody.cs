using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Ingest.Formats;

namespace ThreadedLogging.Collector.Responses;

/// <summary>
/// Reads the JSON body of a change (a level rule, an alert rule); a body that is not one gets its reason: the framework's
/// own binding answered 400 or 415 with an empty body.
/// </summary>
internal static class JsonRequestBody
{
    /// <param name="request">The request.</param>
    /// <param name="what">What the body should be, for the reason (<c>a level rule (an object of strings)</c>).</param>
    /// <param name="cancellationToken">The request's.</param>
    /// <returns>The body (null for a JSON <c>null</c>), or the answer refusing it.</returns>
    public static async Task<(T? Body, JsonHttpResult<ErrorResponse>? Error)> ReadAsync<T>(HttpRequest request, string what, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, ErrorResults.Create(StatusCodes.Status415UnsupportedMediaType, $"unsupported Content-Type '{LoggedText.Of(request.ContentType)}' (application/json)"));
        }

        var json = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return (await request.ReadFromJsonAsync((JsonTypeInfo<T>)json.GetTypeInfo(typeof(T)), cancellationToken), null);
        }
        catch (JsonException e)
        {
            return (null, ErrorResults.Create(StatusCodes.Status400BadRequest, $"the body is not {what}: {JsonErrorText.Of(e)}"));
        }
        catch (InvalidOperationException e)
        {
            return (null, ErrorResults.Create(StatusCodes.Status415UnsupportedMediaType, e.Message)); // a charset it cannot read
        }
        catch (BadHttpRequestException e)
        {
            return (null, ErrorResults.Create(e.StatusCode, $"request body not received: {e.Message}"));
        }
    }
}
