namespace ThreadedLogging.Collector.Query;

/// <summary>One user in <c>GET /api/users</c>.</summary>
internal sealed record UserDto(
    string? User,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    string? LastApp,
    string? LastMachine,
    long Total,
    IReadOnlyDictionary<string, long> Levels);
