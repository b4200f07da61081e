using System.Text.Json.Serialization;

namespace ThreadedLogging.Collector;

/// <summary>Body of <c>GET /health</c>.</summary>
/// <param name="Status"><c>ok</c>, <c>starting</c> or <c>unavailable</c>.</param>
/// <param name="Reason">Why the store cannot be reached (<c>unavailable</c> only; left out otherwise).</param>
internal sealed record HealthResponse(string Status, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);
