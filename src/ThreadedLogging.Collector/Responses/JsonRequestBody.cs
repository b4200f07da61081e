using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Ingest;
using ThreadedLogging.Collector.Ingest.Formats;

namespace ThreadedLogging.Collector.Responses;

/// <summary>
/// Reads the JSON body of a change (a level rule, an alert rule); a body that is not one gets its reason: the framework's
/// own binding answered 400 or 415 with an empty body. A body labelled with another charset than UTF-8 is read as ingest
/// reads one (<see cref="BodyCharset"/>): the framework's reader took the label alone, so UTF-8 labelled iso-8859-1 was
/// stored garbled, windows-1252 refused, and a byte that is not text in the charset stored as '?'.
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

        var services = request.HttpContext.RequestServices;
        var type = (JsonTypeInfo<T>)services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions.GetTypeInfo(typeof(T));
        var charset = BodyCharset.Of(request.ContentType);
        try
        {
            if (BodyCharset.IsUtf8(charset))
            {
                // Not ReadFromJsonAsync: it reads the label again itself, and 'utf8' or a quoted "utf-8" (UTF-8 to
                // BodyCharset, as to ingest) threw there, a 500.
                return (await JsonSerializer.DeserializeAsync(request.Body, type, cancellationToken), null);
            }

            var limit = services.GetRequiredService<CollectorOptions>().MaxRequestBodyBytes;
            using var received = await RequestBodyReader.ReadLimitedAsync(request.Body, limit, decompressed: false, request.ContentLength, budget: null, sender: null, cancellationToken);
            using var utf8 = BodyCharset.ToUtf8(received, charset, limit, budget: null, sender: null);
            return (JsonSerializer.Deserialize(utf8.Span, type), null);
        }
        catch (JsonException e)
        {
            return (null, ErrorResults.Create(StatusCodes.Status400BadRequest, $"the body is not {what}: {JsonErrorText.Of(e)}"));
        }
        catch (IngestRejectedException e)
        {
            return (null, ErrorResults.Create(e.StatusCode, e.Message)); // 415 an unknown charset, 400 a byte not text in it, 413
        }
        catch (BadHttpRequestException e)
        {
            return (null, ErrorResults.Create(e.StatusCode, $"request body not received: {e.Message}"));
        }
    }
}
