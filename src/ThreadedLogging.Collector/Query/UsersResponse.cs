namespace ThreadedLogging.Collector.Query;

/// <summary>Body of <c>GET /api/users</c>: most recently seen first.</summary>
internal sealed record UsersResponse(IReadOnlyList<UserDto> Users);
