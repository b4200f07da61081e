namespace ThreadedLogging.Collector.Query;

/// <summary>Body of <c>GET /api/events</c>: newest first; <see cref="Next"/> is the <c>before</c> of the next page, or null.</summary>
internal sealed record EventsResponse(IReadOnlyList<EventDto> Events, string? Next);
