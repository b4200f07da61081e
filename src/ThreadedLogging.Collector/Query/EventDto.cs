namespace ThreadedLogging.Collector.Query;

/// <summary>An event as <c>GET /api/events</c> returns it (a wire object, separate from the storage row).</summary>
internal sealed record EventDto
{
    public required long Id { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public required string Level { get; init; }

    public string? Category { get; init; }

    public required string Message { get; init; }

    public string? Template { get; init; }

    public StoredJson? Exception { get; init; }

    public StoredJson? Properties { get; init; }

    public StoredJson? Context { get; init; }

    public string? App { get; init; }

    public string? Version { get; init; }

    public string? User { get; init; }

    public string? Machine { get; init; }

    public string? Path { get; init; }

    public string? InstanceId { get; init; }

    public long? Sequence { get; init; }
}
