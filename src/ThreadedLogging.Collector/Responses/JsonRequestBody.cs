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
            return (null, ErrorResults.Create(StatusCodes.Status400BadRequest, $"the body is not {what}: {Reason(e, type)}"));
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

    /// <summary>
    /// The reason for <paramref name="e"/>, naming the field: a member the body's type does not have (its type refuses
    /// them, <see cref="System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow"/>: a misspelt
    /// <c>categroy</c> was ignored, a rule for every category) with the fields it takes, or one of the wrong JSON type
    /// (<c>"duration":7200</c> was "could not be converted to …LevelRuleRequest"). JSON that does not parse keeps the
    /// reader's own reason.
    /// </summary>
    private static string Reason(JsonException e, JsonTypeInfo type)
    {
        if (e.InnerException is JsonException || !TopMember(e.Path, out var name, out var rest))
        {
            return JsonErrorText.Of(e); // the reader's (JsonReaderException): not JSON, or not whole
        }

        var property = type.Properties.FirstOrDefault(p => string.Equals(p.Name, name, type.Options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));
        if (property is null)
        {
            return $"unknown field '{LoggedText.Of(name, JsonErrorText.MaxQuoted)}' (the fields: {string.Join(", ", type.Properties.Select(p => p.Name))})";
        }

        var expected = rest.Length == 0 ? property.PropertyType : property.PropertyType.GetGenericArguments().LastOrDefault() ?? typeof(object);
        var field = rest.Length == 0 ? property.Name : $"{property.Name}.{LoggedText.Of(rest.TrimStart('.').Trim('[', ']', '\''), JsonErrorText.MaxQuoted)}";
        return $"'{field}' must be {JsonKind(expected)}";
    }

    /// <summary>The body's member a path is in: <c>$.duration</c>, <c>$.headers.X-Token</c>, <c>$['a b']</c>.</summary>
    private static bool TopMember(string? path, out string name, out string rest)
    {
        (name, rest) = (string.Empty, string.Empty);
        if (path is ['$', '.', .. var dotted])
        {
            var end = dotted.IndexOfAny(['.', '[']);
            (name, rest) = end < 0 ? (dotted, string.Empty) : (dotted[..end], dotted[end..]);
        }
        else if (path is ['$', '[', '\'', .. var quoted] && quoted.IndexOf("']", StringComparison.Ordinal) is var close and >= 0)
        {
            (name, rest) = (quoted[..close], quoted[(close + 2)..]);
        }

        return name.Length > 0;
    }

    private static string JsonKind(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(string) => "a string",
        var t when t == typeof(int) || t == typeof(long) => "a whole number",
        var t when t.IsAssignableTo(typeof(System.Collections.IDictionary)) => "an object of strings",
        var t => $"a {t.Name}",
    };
}
