using Microsoft.Net.Http.Headers;
using ThreadedLogging.Collector.Security;
using ThreadedLogging.Collector.Web;

namespace ThreadedLogging.Collector.Ingest.Formats.Clef;

/// <summary>
/// Seq's ingest endpoints, so that an app logging with Serilog.Sinks.Seq (or any CLEF producer) only changes its
/// server URL: <c>POST /api/events/raw</c> (CLEF with <c>?clef</c> or <c>application/vnd.serilog.clef</c>, else Seq's
/// <c>{"Events":[…]}</c>) and <c>POST /ingest/clef</c>; the key also from <c>X-Seq-ApiKey</c> or <c>?apiKey=</c>;
/// <c>201 {"MinimumLevelAccepted": …}</c> as Seq answers.
/// </summary>
internal static class SeqIngestApi
{
    public static IEndpointRouteBuilder MapSeqIngest(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(string.Empty).RequireApiKey(ApiKeyRole.Ingest, seqCompatible: true);
        group.MapPost("/api/events/raw", (HttpContext context, IngestEndpoint endpoint, ClefDecoder clef, SeqJsonDecoder seqJson, ClefOptions options) =>
            endpoint.HandleAsync(context, IsClef(context.Request) ? clef : seqJson, string.Empty, (_, _) => Created(options), Error));
        group.MapPost("/ingest/clef", (HttpContext context, IngestEndpoint endpoint, ClefDecoder clef, ClefOptions options) =>
            endpoint.HandleAsync(context, clef, string.Empty, (_, _) => Created(options), Error));
        return routes;
    }

    private static bool IsClef(HttpRequest request) =>
        request.Query.ContainsKey("clef")
        || (MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            && type.MediaType.Equals(ClefDecoder.MediaType, StringComparison.OrdinalIgnoreCase));

    private static IResult Created(ClefOptions options) =>
        TypedResults.Json(new SeqIngestResponse(options.MinimumLevelAccepted), CollectorJsonContext.Default.SeqIngestResponse, statusCode: StatusCodes.Status201Created);

    private static IResult Error(int status, string reason) => ErrorResults.Create(status, reason);
}
