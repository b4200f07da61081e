namespace ThreadedLogging.Collector.Query;

/// <summary>Body of <c>GET /api/events</c>: newest first; <see cref="Next"/> is the <c>before</c> of the next page, or null.</summary>
/// <param name="Events">The page.</param>
/// <param name="Next">The <c>before</c> of the next page, or null.</param>
/// <param name="IndexBehind">True when a search with words answered before the full-text index held every event committed before it (its writes fail, or it is far behind): newer matches may be missing. Left out when false.</param>
/// <param name="IndexBehindEvents">How many committed events the index did not hold yet (with <paramref name="IndexBehind"/>; the console says so above the results). Left out when 0.</param>
internal sealed record EventsResponse(
    IReadOnlyList<EventDto> Events,
    string? Next,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] bool IndexBehind = false,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] long IndexBehindEvents = 0);
