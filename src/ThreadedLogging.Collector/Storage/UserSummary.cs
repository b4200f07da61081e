namespace ThreadedLogging.Collector.Storage;

/// <summary>Who has logged: where support starts.</summary>
internal sealed record UserSummary
{
    /// <summary>Gets the user, or null for events without one.</summary>
    public string? User { get; init; }

    public required DateTimeOffset FirstSeen { get; init; }

    public required DateTimeOffset LastSeen { get; init; }

    public string? LastApp { get; init; }

    public string? LastMachine { get; init; }

    public required long Total { get; init; }

    /// <summary>Gets the counts per level since the first event, indexed by <see cref="Microsoft.Extensions.Logging.LogLevel"/> (Trace..Critical).</summary>
    public required IReadOnlyList<long> CountsByLevel { get; init; }

    /// <summary>Gets the user's most recent Error or Critical event (by timestamp), or null.</summary>
    public StoredEvent? LatestError { get; init; }

    /// <summary>Gets the counts per level within the query's window (Trace..Critical); empty when not asked.</summary>
    public IReadOnlyList<long> WindowCountsByLevel { get; init; } = [];

    /// <summary>Gets the machines seen within the window, most events first.</summary>
    public IReadOnlyList<string> Machines { get; init; } = [];

    /// <summary>Gets the app versions (<c>app version</c>) seen within the window, most events first.</summary>
    public IReadOnlyList<string> Versions { get; init; } = [];
}
