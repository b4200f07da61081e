namespace ThreadedLogging.Collector.Storage;

/// <summary>One page of users; <paramref name="Next"/> is the <see cref="UserQuery.After"/> of the next page, or null on the last.</summary>
internal sealed record UserPage(IReadOnlyList<UserSummary> Users, UserCursor? Next);
