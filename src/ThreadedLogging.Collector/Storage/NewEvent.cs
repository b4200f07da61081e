using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage;

/// <summary>An event to store, already validated; JSON columns hold compact JSON text.</summary>
internal sealed class NewEvent
{
    public required DateTimeOffset Timestamp { get; init; }

    public required LogLevel Level { get; init; }

    public string? Category { get; init; }

    public required string Message { get; init; }

    public string? Template { get; init; }

    /// <summary>Gets the exception as a JSON object, or null.</summary>
    public string? ExceptionJson { get; init; }

    /// <summary>Gets the structured properties as a JSON object, or null.</summary>
    public string? PropertiesJson { get; init; }

    /// <summary>Gets the rest (event id, scopes, trace ids, thread, process) as a JSON object, or null.</summary>
    public string? ContextJson { get; init; }

    /// <summary>Gets the W3C trace id of the context's <c>traceId</c> in lower case (<see cref="TraceIds"/>), or null.</summary>
    public string? TraceId { get; init; }

    public string? App { get; init; }

    public string? Version { get; init; }

    /// <summary>
    /// Gets the user's name, or null: an empty name is no user (one form for "no user", so that each store reads the
    /// events without one as one index range, newest first; SQLite schema 8, PostgreSQL schema 8 turned stored ones into it).
    /// </summary>
    public string? User { get; init => field = value is "" ? null : value; }

    public string? Machine { get; init; }

    /// <summary>Gets the path after <c>/log/</c> the event was posted to.</summary>
    public string? Path { get; init; }

    public string? InstanceId { get; init; }

    public long? Sequence { get; init; }
}
