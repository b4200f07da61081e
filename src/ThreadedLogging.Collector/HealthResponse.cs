using System.Text.Json.Serialization;

namespace ThreadedLogging.Collector;

/// <summary>Body of <c>GET /health</c> and <c>GET /health/ready</c>.</summary>
/// <param name="Status"><c>ok</c>, <c>degraded</c>, <c>starting</c> or <c>unavailable</c>.</param>
/// <param name="Reason">Why the store cannot be reached (<c>unavailable</c> only; left out otherwise).</param>
/// <param name="Reasons">What is wrong while the collector still answers (<c>degraded</c> only; left out otherwise).</param>
internal sealed record HealthResponse(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Reasons = null);
