using Microsoft.Extensions.Options;
using ThreadedLogging.Collector.Responses;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query.Export;

/// <summary>
/// <c>GET /api/events/export</c>: every event the filters of <c>GET /api/events</c> select, newest first, as one
/// NDJSON or CSV download, streamed page by page (docs/QUERY.md, <see cref="EventExport"/>).
/// </summary>
internal static class ExportApi
{
    /// <summary>The filters of <c>/api/events</c> and its <c>before</c> (to go on after a cut export), not <c>limit</c>; and <c>format</c>.</summary>
    public static readonly string[] Known = [.. EventQueryParser.Known.Where(name => name != "limit"), "format"];

    public static IResult Export(HttpContext context, IEventStore store, CollectorOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        var parameters = context.Request.Query;
        if (!EventQueryParser.TryParse(parameters, options.MaxQueryLimit, out var query, out var error)
            || !ExportFormat.TryParse(QueryStringRules.Get(parameters, "format"), out var format, out error))
        {
            return ErrorResults.Create(StatusCodes.Status400BadRequest, error);
        }

        var json = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var output = ExportOutput.For(context);
        IExportWriter writer = format == ExportFormat.Csv
            ? new CsvExportWriter(output.Writer)
            : new NdjsonExportWriter(output.Writer, json);
        return new EventExport(store, query, options.MaxExportEvents, format, ExportFileName.For(query.NoUser ? "no-user" : query.TraceId is { } trace ? "trace-" + trace : query.User, time.GetUtcNow(), format), output, writer, loggers.CreateLogger(typeof(ExportApi).FullName!));
    }
}
