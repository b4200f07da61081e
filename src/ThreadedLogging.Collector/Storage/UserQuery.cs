namespace ThreadedLogging.Collector.Storage;

/// <summary>What <c>GET /api/users</c> asks: a page of users, with counts over a time window.</summary>
internal sealed record UserQuery
{
    /// <summary>Gets a part of the user's name (case-insensitive, ASCII letters); null: every user.</summary>
    public string? Search { get; init; }

    /// <summary>
    /// Gets the words of <see cref="Search"/> (split at white space): a user matches when its name holds every one, in any
    /// order, so "Anna Schmidt", as a caller gives a name, finds anna.schmidt. One word is a part of the name, as before.
    /// </summary>
    public string[] SearchWords => Search?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) ?? [];

    public UserSort Sort { get; init; } = UserSort.LastSeen;

    /// <summary>Gets the window's start, inclusive: <see cref="UserSummary.Window"/> counts events from here.</summary>
    public required DateTimeOffset WindowFrom { get; init; }

    /// <summary>Gets the window's end, inclusive.</summary>
    public required DateTimeOffset WindowTo { get; init; }

    public int Limit { get; init; } = 50;

    /// <summary>Gets the cursor of the next page (<see cref="UserPage.Next"/>), opaque to callers.</summary>
    public UserCursor? After { get; init; }
}
