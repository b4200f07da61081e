namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// The window's counts of every user of one page, read by one grouped query (user, level, machine, app,
/// version) in every engine. Rows of a name that differs only in case (the engines' index ranges fold case)
/// are not the page's user and are left out: "Alice" and "alice" are two users.
/// </summary>
internal sealed class UserPageTallies
{
    private readonly Dictionary<string, UserWindowTally> _byUser = new(StringComparer.Ordinal);
    private readonly UserWindowTally? _withoutUser;

    /// <param name="users">The page's users; null stands for the events without a user.</param>
    public UserPageTallies(IEnumerable<string?> users)
    {
        foreach (var user in users)
        {
            if (user is null)
            {
                _withoutUser = new UserWindowTally();
            }
            else
            {
                _byUser[user] = new UserWindowTally();
            }
        }
    }

    /// <summary>Gets the page's user names (without the null user), for the query's parameters.</summary>
    public IReadOnlyCollection<string> Names => _byUser.Keys;

    /// <summary>Gets a value indicating whether the page holds the events without a user.</summary>
    public bool HasWithoutUser => _withoutUser is not null;

    public void Add(string? user, int level, string? machine, string? app, string? version, long count)
    {
        var tally = user is null ? _withoutUser : _byUser.GetValueOrDefault(user);
        tally?.Add(level, machine, app, version, count);
    }

    /// <summary>The user's row with the window's counts and the latest error.</summary>
    public UserSummary Complete(UserSummary row, StoredEvent? latestError)
    {
        var tally = (row.User is null ? _withoutUser : _byUser.GetValueOrDefault(row.User)) ?? new UserWindowTally();
        return tally.Complete(row, latestError);
    }
}
