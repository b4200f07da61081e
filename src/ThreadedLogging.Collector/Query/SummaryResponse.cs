namespace ThreadedLogging.Collector.Query;

/// <summary>
/// Body of <c>GET /api/events/summary</c>: the histogram (as <c>/api/events/histogram</c> answers it) and the top values of
/// each field asked for, in that order (each as <c>/api/events/top</c> answers it).
/// </summary>
internal sealed record SummaryResponse(HistogramResponse Histogram, IReadOnlyList<TopValuesResponse> Top);
