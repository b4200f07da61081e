using System.Globalization;

namespace ThreadedLogging.Collector.Query.Export;

/// <summary>
/// How an export cut by <c>Collector:MaxExportEvents</c> ends: how many events it holds and the cursor of the rest
/// (<see cref="Next"/>: <c>before=</c> of the next export, as the <c>next</c> of <c>GET /api/events</c>).
/// </summary>
internal sealed record ExportTruncation(long Exported, long Limit, string Next, DateTimeOffset LastTimestamp)
{
    /// <summary>Gets the sentence a reader of the file sees.</summary>
    public string Reason => string.Create(
        CultureInfo.InvariantCulture,
        $"export stopped at Collector:MaxExportEvents ({Limit} events): the events older than the last one exported ({LastTimestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}) are not in this file; narrow the filters, or export again with before={Next} for the rest");
}
