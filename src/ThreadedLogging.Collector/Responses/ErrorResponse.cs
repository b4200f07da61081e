namespace ThreadedLogging.Collector.Responses;

/// <summary>Every 4xx/5xx body: <c>{"error": "..."}</c>, a short reason.</summary>
internal sealed record ErrorResponse(string Error);
