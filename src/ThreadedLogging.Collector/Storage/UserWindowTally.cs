namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// Adds up one user's events within the window, as every engine reads them (grouped by level, machine,
/// app, version), and completes the user's row with them: what <see cref="UserSummary"/> promises.
/// </summary>
internal sealed class UserWindowTally
{
    private const int LevelCount = 6;
    private readonly long[] _counts = new long[LevelCount];
    private readonly Dictionary<string, long> _machines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);

    public void Add(int level, string? machine, string? app, string? version, long count)
    {
        _counts[Math.Clamp(level, 0, LevelCount - 1)] += count;
        if (machine is not null)
        {
            _machines[machine] = _machines.GetValueOrDefault(machine) + count;
        }

        if (app is not null || version is not null)
        {
            var label = VersionLabel.Of(app, version)!;
            _versions[label] = _versions.GetValueOrDefault(label) + count;
        }
    }

    /// <summary>The user's row (totals since the first event) with the window's counts and the latest error.</summary>
    public UserSummary Complete(UserSummary row, StoredEvent? latestError) => row with
    {
        LatestError = latestError,
        WindowCountsByLevel = _counts,
        Machines = MostFirst(_machines),
        Versions = MostFirst(_versions),
    };

    private static string[] MostFirst(Dictionary<string, long> counts) =>
        [.. counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key)];
}
