namespace ThreadedLogging.Collector.Query.Export;

/// <summary>
/// The last NDJSON line of an export cut by <c>Collector:MaxExportEvents</c>: never an event (it has no <c>id</c>);
/// <see cref="Next"/> is the <c>before</c> of the rest, as <c>next</c> in <c>GET /api/events</c>.
/// </summary>
internal sealed record ExportTrailer(bool Truncated, long Exported, long Limit, string Next, string Reason);
