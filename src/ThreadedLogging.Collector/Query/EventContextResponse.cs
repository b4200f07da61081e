using System.Text.Json.Serialization;

namespace ThreadedLogging.Collector.Query;

/// <summary>
/// Body of <c>GET /api/events/{id}/context</c>: the events around one, oldest first. <see cref="By"/> says how they were
/// found: <c>sequence</c>, the same process instance's; <c>time</c>, for an event without an instance and a sequence, the
/// events of the fields in <see cref="Same"/> from <see cref="From"/> to <see cref="To"/> (docs/QUERY.md).
/// </summary>
internal sealed record EventContextResponse(
    IReadOnlyList<EventDto> Before,
    EventDto Event,
    IReadOnlyList<EventDto> After,
    string By,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Same = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? From = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? To = null);
