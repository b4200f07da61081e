namespace ThreadedLogging.Collector.Web;

/// <summary>Every 4xx/5xx body: <c>{"error": "..."}</c>, a short reason.</summary>
internal sealed record ErrorResponse(string Error);
