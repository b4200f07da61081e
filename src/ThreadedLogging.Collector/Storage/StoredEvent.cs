using Microsoft.Extensions.Logging;

namespace ThreadedLogging.Collector.Storage;

/// <summary>A stored event as read back (a storage row, not a wire object).</summary>
internal sealed class StoredEvent
{
    public required long Id { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public required LogLevel Level { get; init; }

    public string? Category { get; init; }

    public required string Message { get; init; }

    public string? Template { get; init; }

    public string? ExceptionJson { get; init; }

    public string? PropertiesJson { get; init; }

    public string? ContextJson { get; init; }

    public string? App { get; init; }

    public string? Version { get; init; }

    public string? User { get; init; }

    public string? Machine { get; init; }

    public string? Path { get; init; }

    public string? InstanceId { get; init; }

    public long? Sequence { get; init; }

    public EventCursor Cursor => new(Id);
}
