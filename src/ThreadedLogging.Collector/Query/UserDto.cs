namespace ThreadedLogging.Collector.Query;

/// <summary>One user in <c>GET /api/users</c>.</summary>
/// <param name="User">The user, or null for events without one.</param>
/// <param name="FirstSeen">The earliest event's time.</param>
/// <param name="LastSeen">The latest event's time.</param>
/// <param name="LastApp">The app of the latest event.</param>
/// <param name="LastMachine">The machine of the latest event.</param>
/// <param name="Total">Events since the first.</param>
/// <param name="Levels">Events per level since the first.</param>
/// <param name="WindowLevels">Events per level within the window of the response.</param>
/// <param name="Machines">Machines seen within the window, most events first.</param>
/// <param name="Versions">App and version seen within the window, most events first.</param>
/// <param name="LatestError">The latest Error or Critical event, or null.</param>
internal sealed record UserDto(
    string? User,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    string? LastApp,
    string? LastMachine,
    long Total,
    IReadOnlyDictionary<string, long> Levels,
    IReadOnlyDictionary<string, long> WindowLevels,
    IReadOnlyList<string> Machines,
    IReadOnlyList<string> Versions,
    LatestErrorDto? LatestError);
