namespace ThreadedLogging.Collector;

/// <summary>Body of <c>GET /health</c>.</summary>
internal sealed record HealthResponse(string Status);
