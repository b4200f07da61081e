namespace ThreadedLogging.Collector.Query;

/// <summary>Body of <c>GET /api/events/{id}/context</c>: the same instance's events around one, oldest first.</summary>
internal sealed record EventContextResponse(IReadOnlyList<EventDto> Before, EventDto Event, IReadOnlyList<EventDto> After);
