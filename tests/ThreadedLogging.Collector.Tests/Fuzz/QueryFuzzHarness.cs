using System.Globalization;
using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>
/// Sends generated requests to a real collector and checks what every answer must be: never 5xx, a 4xx
/// carries <c>{"error": reason}</c>, a JSON body never holds a raw <c>&lt;</c> or <c>&gt;</c>, a request
/// without the right key gets 401, and every request is answered (a hang guard, not a speed limit).
/// </summary>
internal static partial class QueryFuzzHarness
{
    /// <summary>A request not answered within this is reported as a hang, naming the input. Not a performance threshold.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    /// <summary>Returns one line per request that broke a rule (empty when all held), and how many were answered 2xx.</summary>
    public static async Task<(List<string> Failures, int Succeeded)> RunAsync(HttpClient client, IEnumerable<QueryFuzzRequest> requests, QueryFuzzKeys keys)
    {
        var failures = new List<string>();
        var succeeded = 0;
        // Without cookies: a sign-in the fuzzer gets right must not authenticate the requests after it.
        using var cookieless = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = client.BaseAddress };
        foreach (var request in requests)
        {
            try
            {
                var (status, body, isStream) = await SendAsync(cookieless, request);
                succeeded += (int)status is >= 200 and < 300 ? 1 : 0;
                if (Check(request, status, body, isStream, keys) is { } failure)
                {
                    failures.Add($"{request} -> {failure}");
                }
            }
            catch (OperationCanceledException)
            {
                failures.Add($"{request} -> no answer within {HangGuard.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
            }
            catch (HttpRequestException e)
            {
                failures.Add($"{request} -> connection failed: {e.Message}");
            }
        }

        return (failures, succeeded);
    }

    /// <summary>Sends one request under the hang guard; a live stream is read up to its first item.</summary>
    public static async Task<(HttpStatusCode Status, string Body, bool IsStream)> SendAsync(HttpClient client, QueryFuzzRequest fuzz)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        using var request = new HttpRequestMessage(fuzz.Method, new Uri(fuzz.Target, UriKind.Relative));
        if (fuzz.Key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", fuzz.Key);
        }

        if (fuzz.LastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", fuzz.LastEventId);
        }

        if (fuzz.Body is not null)
        {
            request.Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(fuzz.Body));
            if (fuzz.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", fuzz.ContentType);
            }
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, guard.Token);
        if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            // A live stream never ends: its first item must be "ready"; then the client leaves.
            await using var stream = await response.Content.ReadAsStreamAsync(guard.Token);
            await foreach (var item in SseParser.Create(stream).EnumerateAsync(guard.Token))
            {
                return (response.StatusCode, item.EventType, true);
            }

            return (response.StatusCode, "(stream ended before ready)", true);
        }

        return (response.StatusCode, await response.Content.ReadAsStringAsync(guard.Token), false);
    }

    private static string? Check(QueryFuzzRequest request, HttpStatusCode status, string body, bool isStream, QueryFuzzKeys keys)
    {
        var code = (int)status;
        var shown = $"{code}: {(body.Length > 300 ? body[..300] + "..." : body)}";
        if (code >= 500 || code < 200 || code is >= 300 and < 400)
        {
            return shown;
        }

        var rightKey = request.Method == HttpMethod.Get
            ? request.Key == keys.Read || (request.Key == keys.Ingest && request.Target.StartsWith("api/levels/effective", StringComparison.Ordinal))
            : request.Key == keys.Admin;
        if (!rightKey && RouteExists(request) && status != HttpStatusCode.Unauthorized)
        {
            return $"expected 401 without the right key, got {shown}";
        }

        if (isStream)
        {
            return body == "ready" ? null : $"stream did not start with 'ready': {shown}";
        }

        if (code >= 400 && !HasReason(body) && !RefusedBeforeTheApp(request, status))
        {
            return $"4xx without a reason {shown}";
        }

        if (code < 300 && request.Target.Split('?')[0] == "api/events/export")
        {
            return QueryFuzzExport.Check(body) is { } broken ? $"{broken} in {shown}" : null;
        }

        return body.Contains('<', StringComparison.Ordinal) || body.Contains('>', StringComparison.Ordinal) ? $"unescaped HTML in {shown}" : null;
    }

    /// <summary>
    /// What Kestrel refuses before the app runs, with its own empty body: a request line past its MaxRequestLineSize
    /// (414), a NUL in the decoded path (400). Routing's 404 and 405 carry a reason (<c>UnservedRequests</c>).
    /// </summary>
    private static bool RefusedBeforeTheApp(QueryFuzzRequest request, HttpStatusCode status) => status switch
    {
        HttpStatusCode.RequestUriTooLong => true,
        HttpStatusCode.BadRequest => request.Target.Split('?')[0].Contains("%00", StringComparison.Ordinal),
        _ => false,
    };

    private static bool HasReason(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("error", out var error) && !string.IsNullOrWhiteSpace(error.GetString());
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Whether the path is an endpoint of the read or levels API (else routing's own bodiless 404/405 is fine).</summary>
    private static bool RouteExists(QueryFuzzRequest request)
    {
        var path = request.Target.Split('?')[0];
        var match = Routes().Match(path);
        var method = path.StartsWith("api/levels/", StringComparison.Ordinal) && path != "api/levels/effective" ? HttpMethod.Delete
            : path == "api/levels" && request.Method == HttpMethod.Post ? HttpMethod.Post
            : HttpMethod.Get;
        return match.Success && request.Method == method
            && (!match.Groups["id"].Success || long.TryParse(match.Groups["id"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
    }

    [GeneratedRegex(@"^api/(events(/stream|/export|/(?<id>[^/]+)(/context)?)?|users|levels(/effective|/(?<id>[^/]+))?)$")]
    private static partial Regex Routes();
}
