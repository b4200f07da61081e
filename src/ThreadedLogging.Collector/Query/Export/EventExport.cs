using System.Globalization;
using ThreadedLogging.Collector.Diagnostics;
using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query.Export;

/// <summary>
/// Streams an export: reads the store a page at a time with the keyset cursor (never the whole result in
/// memory), writes each page and flushes it before reading the next (so a slow client holds the query back),
/// and stops at <c>Collector:MaxExportEvents</c> with a last line or row that says so. Newest first, as the
/// list: the first page fixes the newest event, so events stored during the export are not in it.
/// The request's abort token stops the query when the client goes away.
/// </summary>
internal sealed class EventExport(
    IEventStore store, EventQuery query, long limit, ExportFormat format, string fileName, ExportOutput body, IExportWriter writer, ILogger logger) : IResult
{
    /// <summary>Events read per query.</summary>
    public const int PageSize = 1000;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var aborted = httpContext.RequestAborted;
        // The first page is read before anything is sent, so a store that fails answers as /api/events does.
        var page = await store.QueryAsync(query with { Limit = NextLimit(0) }, aborted);
        var headers = httpContext.Response.Headers;
        httpContext.Response.ContentType = format.ContentType;
        headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers["X-Export-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        headers.Vary = "Accept-Encoding";
        if (body.Gzip)
        {
            headers.ContentEncoding = "gzip";
        }

        var output = body.Writer;
        long exported = 0;
        try
        {
            writer.WriteStart();
            while (true)
            {
                foreach (var stored in page.Events)
                {
                    writer.Write(stored);
                }

                exported += page.Events.Count;
                if (page.Next is { } next && exported >= limit)
                {
                    writer.WriteTruncated(new ExportTruncation(exported, limit, next.ToString(), page.Events[^1].Timestamp));
                }

                var flushed = await output.FlushAsync(aborted);
                if (flushed.IsCanceled || flushed.IsCompleted)
                {
                    CollectorLog.ExportStopped(logger, exported);
                    return;
                }

                if (page.Next is null || exported >= limit)
                {
                    // Ends the gzip stream (its trailer) or the response body.
                    await output.CompleteAsync();
                    CollectorLog.Exported(logger, exported, format.Name, page.Next is null ? "complete" : "cut at Collector:MaxExportEvents");
                    return;
                }

                page = await store.QueryAsync(query with { Limit = NextLimit(exported), Before = page.Next }, aborted);
            }
        }
        catch (Exception) when (aborted.IsCancellationRequested)
        {
            // The client went away: the token stopped the query or the write; nothing to answer.
            CollectorLog.ExportStopped(logger, exported);
        }
        catch (Exception e)
        {
            // Part of the file is sent: the status cannot change. Abort, so the client sees a broken transfer
            // (no final chunk) rather than a short file that looks complete.
            CollectorLog.ExportFailed(logger, e, exported);
            httpContext.Abort();
        }
    }

    private int NextLimit(long exported) => (int)Math.Min(PageSize, limit - exported);
}
