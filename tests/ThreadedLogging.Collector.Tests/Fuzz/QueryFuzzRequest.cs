namespace ThreadedLogging.Collector.Tests.Fuzz;

/// <summary>One generated request: what the failure message shows to reproduce it.</summary>
/// <param name="Key">The <c>X-Api-Key</c> sent, or null for none.</param>
/// <param name="LastEventId">The live stream's <c>Last-Event-ID</c>, or null for none.</param>
internal sealed record QueryFuzzRequest(HttpMethod Method, string Target, string? Key, string? Body = null, string? ContentType = null, string? LastEventId = null)
{
    public override string ToString() =>
        $"{Method} /{(Target.Length > 400 ? Target[..400] + $"... ({Target.Length} chars)" : Target)}" + (LastEventId is null ? string.Empty : $" Last-Event-ID: {LastEventId}")
        + (Key is null ? " (no key)" : $" (key {Key})")
        + (Body is null ? string.Empty : $" Content-Type: {ContentType} body: {(Body.Length > 300 ? Body[..300] + $"... ({Body.Length} chars)" : Body)}");
}
