namespace ThreadedLogging.Collector.Storage;

/// <summary>Who has logged: where support starts.</summary>
internal sealed class UserSummary
{
    /// <summary>Gets the user, or null for events without one.</summary>
    public string? User { get; init; }

    public required DateTimeOffset FirstSeen { get; init; }

    public required DateTimeOffset LastSeen { get; init; }

    public string? LastApp { get; init; }

    public string? LastMachine { get; init; }

    public required long Total { get; init; }

    /// <summary>Gets the counts per level, indexed by <see cref="Microsoft.Extensions.Logging.LogLevel"/> (Trace..Critical).</summary>
    public required IReadOnlyList<long> CountsByLevel { get; init; }
}
