namespace ThreadedLogging.Collector.Security;

/// <summary>Body of <c>GET /auth/session</c>: whether reading needs a sign-in, and whether this browser has one.</summary>
internal sealed record SessionResponse(bool Required, bool SignedIn);
