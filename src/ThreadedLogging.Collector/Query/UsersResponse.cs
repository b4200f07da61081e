namespace ThreadedLogging.Collector.Query;

/// <summary>Body of <c>GET /api/users</c>: one page in the asked order; <see cref="Next"/> is the <c>after</c> of the next page, or null.</summary>
internal sealed record UsersResponse(IReadOnlyList<UserDto> Users, string? Next, DateTimeOffset WindowFrom, DateTimeOffset WindowTo);
