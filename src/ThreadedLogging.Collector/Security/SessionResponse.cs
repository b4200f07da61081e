namespace ThreadedLogging.Collector.Security;

/// <summary>Body of <c>GET /auth/session</c>: what this browser may do.</summary>
/// <param name="Required">Whether reading needs a sign-in.</param>
/// <param name="SignedIn">Whether this browser may read.</param>
/// <param name="CanChangeLevels">Whether this browser may change level rules (an admin session, or no key needed).</param>
/// <param name="AdminSignIn">Whether signing in with <c>Collector:AdminApiKey</c> would give the level controls this browser lacks.</param>
/// <param name="HasSession">Whether this browser holds a session (it can sign out).</param>
internal sealed record SessionResponse(bool Required, bool SignedIn, bool CanChangeLevels, bool AdminSignIn, bool HasSession);
